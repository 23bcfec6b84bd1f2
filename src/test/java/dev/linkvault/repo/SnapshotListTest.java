package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.linkvault.Fixtures;
import dev.linkvault.VaultTest;
import dev.linkvault.source.PathFilter;
import dev.linkvault.source.local.LocalSource;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A few snapshots are listed from their manifests' indexes, many from the catalog's copy of their
 * summaries: both ways must say the same of every snapshot.
 */
class SnapshotListTest extends VaultTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aFewSnapshotsAndManyAreListedAlike() throws IOException {
        Fixtures.write(src, "a.txt", "alpha");
        LocalSource docs = new LocalSource("docs", src, PathFilter.of(List.of(), List.of()));
        for (int i = 0; i < 3; i++) {
            Fixtures.write(src, "n" + i + ".txt", "file " + i);
            snapshotAt(NOW.plusSeconds(60L * i), "s" + i, 2, docs);
        }
        var m = repo.manifest("s1");
        byte[] b = Files.readAllBytes(m);
        Files.write(m, java.util.Arrays.copyOf(b, b.length - 20)); // cut short: damaged
        List<Repository.SnapshotInfo> few = repo.snapshots();
        assertEquals(List.of(Repository.State.COMPLETE, Repository.State.DAMAGED, Repository.State.COMPLETE),
                few.stream().map(Repository.SnapshotInfo::state).toList());
        assertEquals(4, few.get(2).summary().files());
        assertEquals(repo.completeSnapshot("s2"), few.get(2), "a snapshot named outright is decided alike");

        for (int i = 0; i < Repository.FEW_SNAPSHOTS; i++) { // folders of no snapshot: unmanaged, and many
            Files.createDirectory(repo.snapshotsDir().resolve(String.format("x%02d", i)));
        }
        List<Repository.SnapshotInfo> many = repo.snapshots();
        assertEquals(3 + Repository.FEW_SNAPSHOTS, many.size());
        assertEquals(few, many.subList(0, 3), "the same states and figures, from the catalog");
        assertEquals(Repository.State.UNMANAGED, many.get(3).state());
    }
}
