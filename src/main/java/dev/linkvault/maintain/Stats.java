package dev.linkvault.maintain;

import dev.linkvault.repo.Repository;
import dev.linkvault.repo.SnapshotSummary;
import dev.linkvault.repo.StoreScan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** How much the store holds against what the snapshots would take without deduplication. */
public final class Stats {
    private Stats() {}

    /** One snapshot's share. */
    public record PerSnapshot(String name, long files, long bytes, long newBytes) {}

    /**
     * @param storedBytes  bytes of every file under {@code .data/sha1} (overflow copies included)
     * @param logicalBytes what all complete snapshots hold, file by file: their size without dedup
     */
    public record Result(long blobs, long copies, long storedBytes, long logicalBytes, double dedupRatio,
                         List<PerSnapshot> snapshots) {}

    public static Result of(Repository repo) throws IOException {
        long[] n = new long[3];
        StoreScan.blobs(repo.sha1Dir(), f -> true, f -> {
            if (f.blob() != null) {
                n[f.copy() == 0 ? 0 : 1]++;
                n[2] += f.size();
            }
        });
        List<PerSnapshot> per = new ArrayList<>();
        long logical = 0;
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            SnapshotSummary x = s.summary();
            if (x != null) {
                per.add(new PerSnapshot(s.name(), x.files(), x.bytes(), x.newBytes()));
                logical += x.bytes();
            }
        }
        return new Result(n[0], n[1], n[2], logical, n[2] == 0 ? 0 : (double) logical / n[2], per);
    }
}
