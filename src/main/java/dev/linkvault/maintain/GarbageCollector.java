package dev.linkvault.maintain;

import dev.linkvault.repo.InodeIndex;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.StoreScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes blobs that no snapshot uses. A blob's link count already says so: its own name, its
 * ETag aliases, and one link per snapshot path. So the cost grows with the number of blobs, not
 * with snapshots times files: no snapshot tree is read. Needs the writer lock (no snapshot runs).
 */
public final class GarbageCollector {
    private final Repository repo;

    /** Figures of one run. */
    public record Result(long blobsScanned, long blobsRemoved, long copiesRemoved, long aliasesRemoved,
                         long bytesFreed, long leftoversRemoved, long millis, boolean dryRun) {}

    /** Told of each blob removed (or that would be, in a dry run). */
    public interface Listener {
        void removed(Path file, long size);
    }

    /** What a run counts as it goes. */
    private static final class Tally {
        long scanned;
        long removed;
        long copies;
        long aliases;
        long bytes;
    }

    public GarbageCollector(Repository repo) {
        this.repo = repo;
    }

    /** Blobs looked at so far, for a progress line (read from another thread). */
    public final java.util.concurrent.atomic.AtomicLong scanned = new java.util.concurrent.atomic.AtomicLong();

    public Result run(boolean dryRun, Listener listener) throws IOException {
        long start = System.nanoTime();
        Tally n = new Tally();
        boolean hasAliases = StoreScan.hasAliases(repo.etagDir());
        try (InodeIndex aliases = hasAliases ? new InodeIndex(repo.tmpDir()) : null) {
            if (aliases != null) {
                StoreScan.aliases(repo.etagDir(), a -> aliases.addAlias(a.inode(), a.path()));
                aliases.ready();
            }
            // A blob and its overflow copies come one after the other in name order: decide them together.
            List<StoreScan.StoredFile> group = new ArrayList<>();
            // Without aliases a blob with 2 links or more is in use: the scan counts those and hands over the rest.
            StoreScan.blobs(repo.sha1Dir(), fan -> true, aliases == null ? 1 : -1, f -> {
                if (f.blob() == null) {
                    return; // not a blob name: verify reports it, gc never touches it
                }
                if (!group.isEmpty() && !group.get(0).blob().equals(f.blob())) {
                    collect(group, aliases, dryRun, listener, n);
                    group.clear();
                }
                group.add(f);
            }, used -> {
                n.scanned += used;
                scanned.addAndGet(used);
            });
            collect(group, aliases, dryRun, listener, n);
        }
        if (n.removed > 0 && !dryRun) {
            repo.catalog().commit();
        }
        return new Result(n.scanned, n.removed, n.copies, n.aliases, n.bytes, repo.leftoversRemoved(),
                (System.nanoTime() - start) / 1_000_000, dryRun);
    }

    private void collect(List<StoreScan.StoredFile> group, InodeIndex aliases, boolean dryRun, Listener listener,
                         Tally n) throws IOException {
        if (group.isEmpty()) {
            return;
        }
        n.scanned++;
        scanned.incrementAndGet();
        boolean anyUsed = false;
        List<List<Path>> aliasesOf = new ArrayList<>();
        for (StoreScan.StoredFile f : group) {
            List<Path> a = aliases == null ? List.of() : aliases.aliasesOf(f.inode());
            aliasesOf.add(a);
            anyUsed |= f.links() - 1 - a.size() > 0;
        }
        for (int i = 0; i < group.size(); i++) {
            StoreScan.StoredFile f = group.get(i);
            boolean used = f.links() - 1 - aliasesOf.get(i).size() > 0;
            // The blob itself stays while any copy of it is used: links are made to it first.
            if (used || f.copy() == 0 && anyUsed) {
                continue;
            }
            if (!dryRun) {
                for (Path a : aliasesOf.get(i)) {
                    Files.deleteIfExists(a);
                }
                Files.delete(f.path());
                if (f.copy() == 0) {
                    repo.catalog().forgetBlob(f.blob());
                }
            }
            listener.removed(f.path(), f.size());
            if (f.copy() == 0) {
                n.removed++;
            } else {
                n.copies++;
            }
            n.aliases += aliasesOf.get(i).size();
            n.bytes += f.size();
        }
    }

}
