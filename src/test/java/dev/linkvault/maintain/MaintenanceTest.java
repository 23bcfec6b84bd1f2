package dev.linkvault.maintain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import dev.linkvault.VaultTest;
import dev.linkvault.ingest.ProgressListener;
import dev.linkvault.ingest.Snapshotter;
import dev.linkvault.repo.Repository;
import dev.linkvault.source.local.LocalSource;
import dev.linkvault.source.PathFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** forget, gc and verify on real repositories with real hard links. */
class MaintenanceTest extends VaultTest {

    private String snapshot(String name, Instant at) throws IOException {
        Snapshotter s = new Snapshotter(repo, Clock.fixed(at, ZoneOffset.UTC), new ProgressListener() { });
        return s.run(List.of(new LocalSource("docs", src, PathFilter.of(List.of(), List.of()))),
                new Snapshotter.Options(name, "yyyy-MM-dd", ZoneOffset.UTC, 2), new AtomicBoolean()).name();
    }

    private Path blobOf(String snapshot, String path) throws IOException {
        Path f = vault.resolve("snapshots").resolve(snapshot).resolve("docs").resolve(path);
        String sha1 = Fixtures.sha1(f);
        return vault.resolve(".data/sha1").resolve(sha1.substring(0, 2)).resolve(sha1.substring(2));
    }

    private GarbageCollector.Result gc(boolean dryRun) throws IOException {
        return new GarbageCollector(repo).run(dryRun, (f, size) -> { });
    }

    private List<String> verify(Verifier.Subset subset) throws IOException {
        List<String> problems = new ArrayList<>();
        new Verifier(repo).run(subset, p -> problems.add(p.where() + ": " + p.what()));
        return problems;
    }

    @Test
    void gcRemovesExactlyTheBlobsNoSnapshotUsesAndADryRunRemovesNothing() throws IOException {
        Fixtures.write(src, "shared.txt", "in both");
        Fixtures.write(src, "old.txt", "only in s1");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        Path old = blobOf("s1", "old.txt");
        Path shared = blobOf("s1", "shared.txt");
        Files.delete(src.resolve("old.txt"));
        Fixtures.write(src, "new.txt", "only in s2");
        snapshot("s2", Instant.parse("2026-01-02T00:00:00Z"));
        repo.removeSnapshot("s1", false);

        GarbageCollector.Result dry = gc(true);
        assertEquals(1, dry.blobsRemoved());
        assertEquals("only in s1".length(), dry.bytesFreed());
        assertTrue(Files.exists(old), "a dry run removes nothing");

        GarbageCollector.Result r = gc(false);
        assertEquals(3, r.blobsScanned());
        assertEquals(1, r.blobsRemoved());
        assertEquals("only in s1".length(), r.bytesFreed());
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(shared));
        assertEquals("only in s2", Files.readString(vault.resolve("snapshots/s2/docs/new.txt")));
        assertEquals(0, gc(false).blobsRemoved(), "a second gc finds nothing");
        assertEquals(List.of(), verify(Verifier.Subset.all()));
    }

    @Test
    void gcCountsEtagAliasesAsTheBlobsOwnNamesNotAsUses() throws IOException {
        Fixtures.write(src, "kept.txt", "kept");
        Fixtures.write(src, "gone.txt", "gone");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        Path kept = blobOf("s1", "kept.txt");
        Path gone = blobOf("s1", "gone.txt");
        Files.createDirectories(vault.resolve(".data/etag/aa"));
        Path keptAlias = vault.resolve(".data/etag/aa/11111111111111111111111111111111");
        Path goneAlias1 = vault.resolve(".data/etag/aa/22222222222222222222222222222222");
        Path goneAlias2 = vault.resolve(".data/etag/aa/33333333333333333333333333333333-2");
        Files.createLink(keptAlias, kept);
        Files.createLink(goneAlias1, gone);
        Files.createLink(goneAlias2, gone);
        Files.delete(src.resolve("gone.txt"));
        snapshot("s2", Instant.parse("2026-01-02T00:00:00Z"));
        repo.removeSnapshot("s1", false);

        GarbageCollector.Result r = gc(false);
        assertEquals(1, r.blobsRemoved());
        assertEquals(2, r.aliasesRemoved());
        assertFalse(Files.exists(gone));
        assertFalse(Files.exists(goneAlias1));
        assertFalse(Files.exists(goneAlias2));
        assertTrue(Files.exists(kept));
        assertTrue(Files.exists(keptAlias));
        assertEquals(List.of(), verify(Verifier.Subset.all()));
    }

    @Test
    void gcKeepsWhatAnIncompleteSnapshotUsesAndRemovesAnUnusedOverflowCopyAndLeftovers() throws IOException {
        Fixtures.write(src, "a.txt", "resumable");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        Path blob = blobOf("s1", "a.txt");
        // s1 becomes an interrupted snapshot: its tree is all that holds the blob.
        Files.move(vault.resolve("snapshots/s1"), vault.resolve("snapshots/s1.partial"));
        Files.delete(repo.manifest("s1"));
        Path copy = blob.resolveSibling(blob.getFileName() + ".1");
        Files.copy(blob, copy);
        repo.close();
        Files.writeString(vault.resolve(".data/tmp/put-123.tmp"), "half a download");
        repo = Repository.openForWriting(vault, "test", true);

        GarbageCollector.Result r = gc(false);
        assertTrue(Files.exists(blob), "a blob an incomplete snapshot links to stays");
        assertFalse(Files.exists(copy), "an overflow copy nothing links to goes");
        assertEquals(0, r.blobsRemoved());
        assertEquals(1, r.copiesRemoved());
        assertEquals(1, r.leftoversRemoved());
    }

    @Test
    void gcKeepsABlobNothingLinksToWhileItsOverflowCopyIsUsed() throws IOException {
        Fixtures.write(src, "a.txt", "linked through its copy");
        Fixtures.write(src, "b.txt", "in use");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        Path blob = blobOf("s1", "a.txt");
        // past the hard-link limit a snapshot links to a copy: here the only link is the copy's
        Path copy = blob.resolveSibling(blob.getFileName() + ".1");
        Files.copy(blob, copy);
        Path inTree = vault.resolve("snapshots/s1/docs/a.txt");
        Files.delete(inTree);
        Files.createLink(inTree, copy);

        GarbageCollector.Result r = gc(false);
        assertTrue(Files.exists(blob), "links are made to the blob first: it stays while a copy is used");
        assertTrue(Files.exists(copy));
        assertEquals(0, r.blobsRemoved() + r.copiesRemoved());
        assertEquals(2, r.blobsScanned(), "a blob and its copy count once, the blob in use once");
    }

    @Test
    void forgetAppliesThePolicyRemovesTreesAndManifestsAndKeepsGraceForIncomplete() throws IOException {
        Fixtures.write(src, "a.txt", "a");
        for (String day : new String[] {"2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"}) {
            snapshot(null, Instant.parse(day + "T03:00:00Z"));
        }
        Forgetter f = new Forgetter(repo);
        Retention.Policy keep2 = new Retention.Policy(0, 0, 2, 0, 0, 0, null);
        Forgetter.Plan plan = f.plan(keep2, ZoneOffset.UTC, Duration.ofDays(7), Instant.parse("2026-01-05T00:00:00Z"));
        assertEquals(2, plan.removals());
        f.execute(plan, n -> { });
        assertEquals(List.of("2026-01-03", "2026-01-04"), repo.snapshots().stream().map(Repository.SnapshotInfo::name).toList());
        assertFalse(Files.exists(vault.resolve("snapshots/2026-01-01")));
        assertFalse(Files.exists(repo.manifest("2026-01-01")));
        try (var t = Files.list(vault.resolve(".data/tmp"))) {
            assertEquals(List.of(), t.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("forget-")).toList(),
                    "the forgotten trees are deleted, not left in .data/tmp");
        }
        assertEquals(List.of(), Fixtures.files(vault.resolve(".data/tmp")), "no file is left in .data/tmp");
    }

    @Test
    void aForgetInterruptedHalfwayNeverLeavesASnapshotThatLooksComplete() throws IOException {
        Fixtures.write(src, "a.txt", "a");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        snapshot("s2", Instant.parse("2026-01-02T00:00:00Z"));
        // What removeSnapshot's first step leaves if the process dies right after it:
        Files.move(vault.resolve("snapshots/s1"), vault.resolve(".data/tmp/forget-s1-12345"));
        assertEquals(List.of("s2"), repo.snapshots().stream().map(Repository.SnapshotInfo::name).toList());
        repo.close();
        repo = Repository.openForWriting(vault, "test", true);
        assertFalse(Files.exists(repo.manifest("s1")), "the next writer finishes the removal");
        assertFalse(Files.exists(vault.resolve(".data/tmp/forget-s1-12345")));
        assertEquals(List.of(), verify(Verifier.Subset.all()));
    }

    @Test
    void verifyCatchesAFlippedByteAndNamesEverySnapshotPathThatUsesTheBlob() throws IOException {
        Fixtures.write(src, "a.txt", "precious");
        Fixtures.write(src, "copy-of-a.txt", "precious");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        snapshot("s2", Instant.parse("2026-01-02T00:00:00Z"));
        Path blob = blobOf("s1", "a.txt");
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] b = Files.readAllBytes(blob);
        b[3] ^= 1;
        Files.write(blob, b);
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("r--r--r--"));
        List<String> problems = verify(Verifier.Subset.all());
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("does not match its name"), problems.toString());
        for (String p : new String[] {"s1:docs/a.txt", "s1:docs/copy-of-a.txt", "s2:docs/a.txt", "s2:docs/copy-of-a.txt"}) {
            assertTrue(problems.stream().anyMatch(x -> x.startsWith(p + ": uses blob")), p + " in " + problems);
        }
    }

    @Test
    void verifyCatchesAReplacedFileAndAFileEditedThroughASnapshot() throws IOException {
        Fixtures.write(src, "a.txt", "alpha");
        Fixtures.write(src, "b.txt", "bravo");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        snapshot("s2", Instant.parse("2026-01-02T00:00:00Z"));
        Path a = vault.resolve("snapshots/s1/docs/a.txt");
        Files.delete(a);
        Files.writeString(a, "alpha"); // same bytes, but a new inode: no longer the blob
        Path b = vault.resolve("snapshots/s2/docs/b.txt");
        Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(b, "BRAVO"); // writes the blob every snapshot shares
        String all = String.join("\n", verify(Verifier.Subset.all()));
        assertTrue(all.contains("s1:docs/a.txt: is not a link to its blob"), all);
        assertTrue(all.contains("s1:docs/b.txt: uses blob"), all);
        assertTrue(all.contains("s2:docs/b.txt: uses blob"), all);
        assertFalse(all.contains("s2:docs/a.txt"), all);
    }

    @Test
    void verifyFlagsAnAliasThatIsNoLinkToABlob() throws IOException {
        Fixtures.write(src, "a.txt", "alpha");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        Files.createDirectories(vault.resolve(".data/etag/ab"));
        Files.writeString(vault.resolve(".data/etag/ab/cdef"), "alpha"); // a copy, not a link
        Files.createLink(vault.resolve(".data/etag/ab/0000"), blobOf("s1", "a.txt"));
        List<String> problems = verify(Verifier.Subset.all());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(".data/etag/ab/cdef: ETag alias is not a link"), problems.toString());
    }

    @Test
    void sevenSlicesReHashEveryBlobExactlyOnce() throws IOException {
        for (int i = 0; i < 300; i++) {
            Fixtures.write(src, "f" + i, "content " + i);
        }
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        long total = 0;
        for (int k = 1; k <= 7; k++) {
            total += new Verifier(repo).run(Verifier.Subset.parse(k + "/7"), p -> { }).blobsChecked();
        }
        assertEquals(300, total);
        long some = new Verifier(repo).run(Verifier.Subset.parse("10%"), p -> { }).blobsChecked();
        assertTrue(some > 5 && some < 90, "about 10% of 300: " + some);
    }

    @Test
    void statsCompareStoredBytesWithWhatSnapshotsHold() throws IOException {
        Fixtures.write(src, "a.txt", "0123456789");
        Fixtures.write(src, "b.txt", "0123456789");
        snapshot("s1", Instant.parse("2026-01-01T00:00:00Z"));
        snapshot("s2", Instant.parse("2026-01-02T00:00:00Z"));
        Stats.Result s = Stats.of(repo);
        assertEquals(1, s.blobs());
        assertEquals(10, s.storedBytes());
        assertEquals(40, s.logicalBytes());
        assertEquals(4.0, s.dedupRatio(), 1e-9);
        assertEquals(List.of(10L, 0L), s.snapshots().stream().map(Stats.PerSnapshot::newBytes).toList());
    }

    @Test
    void aBlobAndItsOverflowCopiesAreDecidedTogetherWhateverOrderTheFolderListsThem() throws IOException {
        Path fan = Files.createDirectories(vault.resolve(".data/sha1/ab"));
        String a = "00" + "1".repeat(36);
        String b = "00" + "2".repeat(36);
        String c = "ff" + "3".repeat(36);
        // made in an interleaved order; ext4 lists a folder in hash order anyway
        for (String name : new String[] {a + ".2", b, c + ".1", a, b + ".1", c, a + ".1", b + ".2"}) {
            Files.writeString(fan.resolve(name), "copy of " + name.substring(0, 38));
            Files.setPosixFilePermissions(fan.resolve(name), PosixFilePermissions.fromString("r--r--r--"));
        }
        List<String> order = new ArrayList<>();
        dev.linkvault.repo.StoreScan.blobs(vault.resolve(".data/sha1"), f -> true,
                f -> order.add(f.blob().sha1().substring(2) + "." + f.copy()));
        assertEquals(List.of(a + ".0", a + ".1", a + ".2", b + ".0", b + ".1", b + ".2", c + ".0", c + ".1"), order);

        // Only copy 2 of a, copy 1 of b and nothing of c are used by a snapshot.
        Path tree = Files.createDirectories(vault.resolve("snapshots/hand/docs"));
        Files.createLink(tree.resolve("x"), fan.resolve(a + ".2"));
        Files.createLink(tree.resolve("y"), fan.resolve(b + ".1"));
        gc(false);
        assertTrue(Files.exists(fan.resolve(a)), "a blob stays while any of its copies is used");
        assertFalse(Files.exists(fan.resolve(a + ".1")), "an unused copy goes");
        assertTrue(Files.exists(fan.resolve(a + ".2")));
        assertTrue(Files.exists(fan.resolve(b)) && Files.exists(fan.resolve(b + ".1")));
        assertFalse(Files.exists(fan.resolve(b + ".2")));
        assertFalse(Files.exists(fan.resolve(c)) || Files.exists(fan.resolve(c + ".1")), "an unused blob goes with its copies");
    }

    @Test
    void verifyRunningWhileGcRemovesBlobsUnderItIsNoFailure() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1500; i++) {
                repo.blobs().put(new java.io.ByteArrayInputStream(("unused " + round + " " + i).getBytes()),
                        Instant.EPOCH); // stored, linked by no snapshot: gc removes every one
            }
            repo.catalog().commit();
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            List<String> found = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread verifier = new Thread(() -> {
                try (Repository reader = Repository.openForReading(vault)) {
                    new Verifier(reader).run(Verifier.Subset.all(), p -> found.add(p.where() + ": " + p.what()));
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            verifier.start();
            GarbageCollector.Result r = gc(false);
            verifier.join();
            assertEquals(null, failed.get(), "verify failed while gc ran");
            assertEquals(List.of(), found, "a blob gc removed is not a problem");
            assertEquals(1500, r.blobsRemoved());
        }
    }
}
