package dev.linkvault.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import dev.linkvault.VaultTest;
import dev.linkvault.UserError;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.source.Content;
import dev.linkvault.source.Entry;
import dev.linkvault.source.Sink;
import dev.linkvault.source.Source;
import dev.linkvault.source.local.LocalSource;
import dev.linkvault.source.PathFilter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotterTest extends VaultTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant OLD = Instant.parse("2019-06-01T12:00:00Z");

    private Snapshotter.Result snapshot(String name, Source... sources) throws IOException {
        return snapshotAt(NOW, name, 3, sources);
    }

    private LocalSource docs() {
        return new LocalSource("docs", src, PathFilter.of(List.of(), List.of()));
    }

    private Map<String, Manifest.Item> manifest(String name) throws IOException {
        Map<String, Manifest.Item> items = new LinkedHashMap<>();
        Manifest.read(repo.manifest(name), it -> items.put(it.path(), it));
        return items;
    }

    @Test
    void everyFileBecomesAHardLinkToItsBlobAndTheManifestListsEveryPath() throws IOException {
        Fixtures.write(src, "a/b.txt", "bee", OLD);
        Fixtures.write(src, "a/c.txt", "bee", OLD);
        Fixtures.write(src, "top.txt", "top");
        Snapshotter.Result r = snapshot(null, docs());

        assertEquals("2026-11-21", r.name());
        Path tree = vault.resolve("snapshots/2026-11-21");
        Path b = tree.resolve("docs/a/b.txt");
        Path blob = vault.resolve(".data/sha1/" + Fixtures.sha1(b).substring(0, 2) + "/" + Fixtures.sha1(b).substring(2));
        assertEquals(Fixtures.inode(blob), Fixtures.inode(b));
        assertEquals(Fixtures.inode(blob), Fixtures.inode(tree.resolve("docs/a/c.txt")), "same content, one blob");
        assertEquals(OLD, Files.getLastModifiedTime(blob).toInstant(), "blob mtime = source mtime at first ingest");
        assertEquals(List.of("docs", "docs/a", "docs/a/b.txt", "docs/a/c.txt", "docs/top.txt"),
                new ArrayList<>(manifest("2026-11-21").keySet()));
        Manifest.Item item = manifest("2026-11-21").get("docs/a/b.txt");
        assertEquals(3, item.size());
        assertEquals(OLD, item.mtime());
        assertEquals(0644, item.mode());
        assertEquals(Fixtures.sha1(b), item.blob());
        assertEquals(3, r.summary().files());
        assertEquals(2, r.summary().newBlobs());
        assertEquals(6, r.summary().newBytes());
        assertFalse(Files.exists(vault.resolve("snapshots/2026-11-21.partial")));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void foldersGetTheirSourceMtimes() throws IOException {
        Fixtures.write(src, "a/b/c.txt", "x");
        Files.setLastModifiedTime(src.resolve("a/b"), FileTime.from(OLD));
        Files.setLastModifiedTime(src.resolve("a"), FileTime.from(OLD.plusSeconds(60)));
        snapshot(null, docs());
        Path tree = vault.resolve("snapshots/2026-11-21/docs");
        assertEquals(OLD, Files.getLastModifiedTime(tree.resolve("a/b")).toInstant());
        assertEquals(OLD.plusSeconds(60), Files.getLastModifiedTime(tree.resolve("a")).toInstant());
    }

    @Test
    void anUnchangedRerunReadsNoFileAndLinksTheSameBlobs() throws IOException {
        for (int i = 0; i < 50; i++) {
            Fixtures.write(src, "d" + (i % 5) + "/f" + i, "content " + i);
        }
        snapshot("first", docs());
        Snapshotter.Result again = snapshot("second", docs());
        assertEquals(50, again.summary().files());
        assertEquals(0, again.summary().filesRead());
        assertEquals(0, again.summary().newBlobs());
        Path f = Path.of("docs/d3/f13");
        assertEquals(Fixtures.inode(vault.resolve("snapshots/first").resolve(f)),
                Fixtures.inode(vault.resolve("snapshots/second").resolve(f)));
    }

    @Test
    void newFilesAmongKnownOnesGoThroughSeveralFlushGroupsAndTheManifestKeepsSourceOrder() throws IOException {
        // more new blobs than three groups hold, among known ones: groups are flushed while the
        // run goes on, and what follows a group must still reach the manifest after it
        int n = 6 * Snapshotter.FLUSH_BLOBS + 100;
        List<String> expected = new ArrayList<>(List.of("docs"));
        for (int d = 0; d < 4; d++) {
            expected.add(String.format("docs/d%d", d));
            for (int i = d; i < n; i += 4) {
                Fixtures.write(src, String.format("d%d/f%05d", d, i), "content " + i, OLD);
                expected.add(String.format("docs/d%d/f%05d", d, i));
            }
        }
        snapshot("first", docs());
        int changed = 0;
        for (int i = 0; i < n; i += 3) { // every third file of each folder
            Fixtures.write(src, String.format("d%d/f%05d", i % 4, i), "changed " + i, OLD.plusSeconds(60));
            changed++;
        }
        Snapshotter.Result again = snapshot("second", docs());

        assertEquals(changed, again.summary().filesRead());
        assertEquals(changed, again.summary().newBlobs());
        Map<String, Manifest.Item> items = manifest("second");
        List<String> got = new ArrayList<>(items.keySet());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), i < got.size() ? got.get(i) : null, "manifest entry " + i + " (source order)");
        }
        assertEquals(expected.size(), got.size());
        Path tree = vault.resolve("snapshots/second");
        for (int i = 0; i < n; i++) {
            String rel = String.format("docs/d%d/f%05d", i % 4, i);
            Path f = tree.resolve(rel);
            assertEquals((i % 3 == 0 ? "changed " : "content ") + i, Files.readString(f), rel);
            assertEquals(Fixtures.sha1(f), items.get(rel).blob(), rel);
            String sha1 = items.get(rel).blob();
            assertEquals(Fixtures.inode(vault.resolve(".data/sha1/" + sha1.substring(0, 2) + "/" + sha1.substring(2))),
                    Fixtures.inode(f), rel + " is a link to its blob");
        }
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void aFileChangedInPlaceIsReadAgainEvenWithTheSameSizeAndMtime() throws IOException {
        Path f = Fixtures.write(src, "f.txt", "aaaa", OLD);
        snapshot("one", docs());
        Files.writeString(f, "bbbb");
        Files.setLastModifiedTime(f, FileTime.from(OLD));
        Snapshotter.Result r = snapshot("two", docs());
        assertEquals(1, r.summary().filesRead(), "ctime and inode changed, so the file is read");
        assertEquals("bbbb", Files.readString(vault.resolve("snapshots/two/docs/f.txt")));
        assertEquals("aaaa", Files.readString(vault.resolve("snapshots/one/docs/f.txt")));
    }

    @Test
    void emptyFilesAreCreatedNeverLinked() throws IOException {
        Fixtures.write(src, "e1", "", OLD);
        Fixtures.write(src, "e2", "");
        snapshot(null, docs());
        Path e1 = vault.resolve("snapshots/2026-11-21/docs/e1");
        Path e2 = vault.resolve("snapshots/2026-11-21/docs/e2");
        assertEquals(0, Files.size(e1));
        assertEquals(1, Fixtures.links(e1));
        assertNotEquals(Fixtures.inode(e1), Fixtures.inode(e2));
        assertEquals(OLD, Files.getLastModifiedTime(e1).toInstant());
        snapshot("again", docs());
        assertEquals(1, Fixtures.links(vault.resolve("snapshots/again/docs/e1")));
    }

    @Test
    void aSecondSnapshotOnTheSameDayGetsASuffixAndAnExplicitNameIsNeverOverwritten() throws IOException {
        Fixtures.write(src, "a", "1");
        assertEquals("2026-11-21", snapshot(null, docs()).name());
        assertEquals("2026-11-21_2", snapshot(null, docs()).name());
        assertEquals("2026-11-21_3", snapshot(null, docs()).name());
        snapshot("mine", docs());
        UserError e = assertThrows(UserError.class, () -> snapshot("mine", docs()));
        assertTrue(e.getMessage().contains("snapshot mine already exists"), e.getMessage());
        assertEquals(4, repo.snapshots().size());
    }

    @Test
    void bothFilesOfEachRealSha1CollisionPairSurviveInTheSnapshotAndAWarningIsShown() throws IOException {
        for (String f : new String[] {"shattered-1.pdf", "shattered-2.pdf", "sha-mbles-1.bin", "sha-mbles-2.bin"}) {
            Files.copy(Fixtures.collisions().resolve(f), src.resolve(f));
        }
        snapshot(null, docs());
        Path tree = vault.resolve("snapshots/2026-11-21/docs");
        for (String f : new String[] {"shattered-1.pdf", "shattered-2.pdf", "sha-mbles-1.bin", "sha-mbles-2.bin"}) {
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(tree.resolve(f)), f);
        }
        assertEquals(Fixtures.sha1(tree.resolve("shattered-1.pdf")), Fixtures.sha1(tree.resolve("shattered-2.pdf")));
        assertNotEquals(Fixtures.inode(tree.resolve("shattered-1.pdf")), Fixtures.inode(tree.resolve("shattered-2.pdf")));
        assertEquals(2, problems.stream().filter(p -> p.startsWith("WARNING") && p.contains("SHA-1 collision")).count(),
                problems.toString());
        // The second run finds both through the catalog and reads nothing.
        assertEquals(0, snapshot("again", docs()).summary().filesRead());
        assertArrayEquals(Files.readAllBytes(src.resolve("sha-mbles-2.bin")),
                Files.readAllBytes(vault.resolve("snapshots/again/docs/sha-mbles-2.bin")));
    }

    /** A source that hands over names as a database would, unchecked. */
    private record Listed(String name, List<Entry> entries) implements Source {
        @Override
        public void scan(Sink sink) throws InterruptedException {
            for (Entry e : entries) {
                List<String> path = new ArrayList<>(e.path());
                path.add(0, name);
                sink.entry(new Entry(path, e.type(), e.size(), e.mtime(), e.mode(), e.key(), e.fingerprint(),
                        e.knownSha1(), e.linkTarget(), e.content()));
            }
        }
    }

    private static Entry file(String content, String... path) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        return Entry.file(List.of(path), b.length, OLD, 0644, String.join("/", path), "fp", null,
                new Content() {
                    @Override
                    public java.io.InputStream open() {
                        return new ByteArrayInputStream(b);
                    }
                });
    }

    @Test
    void unsafeNamesFromASourceAreErrorsShowingTheOriginalNameAndNothingLandsOutside() throws IOException {
        String longName = "x".repeat(256);
        Source evil = new Listed("db", List.of(
                file("escape", "..", "..", "escaped.txt"),
                file("slash", "a/b"),
                file("nul", "bad\0name"),
                file("empty", ""),
                file("dot", "."),
                file("long", longName),
                file("fine", "ok", "good.txt")));
        Snapshotter.Result r = snapshot(null, evil);
        assertEquals(6, r.summary().errors());
        assertEquals(1, r.summary().files());
        String all = String.join("\n", problems);
        assertTrue(all.contains("db/../../escaped.txt"), all);
        assertTrue(all.contains("db/a/b"), all);
        assertTrue(all.contains("db/bad\\0name"), all);
        assertTrue(all.contains("256 bytes"), all);
        assertFalse(Files.exists(dir.resolve("escaped.txt")));
        assertFalse(Files.exists(vault.resolve("escaped.txt")));
        assertFalse(Files.exists(vault.resolve("snapshots/escaped.txt")));
        assertEquals(List.of(vault.resolve("snapshots/2026-11-21/db/ok/good.txt")),
                Fixtures.files(vault.resolve("snapshots")));
        List<String> recorded = new ArrayList<>();
        Manifest.read(repo.manifest("2026-11-21"), new Manifest.Visitor() {
            @Override
            public void item(Manifest.Item item) {}

            @Override
            public void error(String path, String message) {
                recorded.add(path);
            }
        });
        assertEquals(6, recorded.size(), "every error is kept in the manifest too");
    }

    @Test
    void aFileThatCannotBeReadIsAPerFileErrorAndTheRunGoesOn() throws IOException {
        Entry broken = Entry.file(List.of("broken"), 5, OLD, 0644, "broken", "fp", null, () -> {
            throw new IOException("Input/output error");
        });
        Snapshotter.Result r = snapshot(null, new Listed("db", List.of(broken, file("fine", "ok"))));
        assertEquals(1, r.summary().errors());
        assertEquals(1, r.summary().files());
        assertEquals(List.of("ERROR db/broken: input/output error"), problems);
        assertTrue(Files.exists(vault.resolve("snapshots/2026-11-21/db/ok")));
    }

    @Test
    void aDeletedCatalogIsRebuiltAndStoredContentIsNotStoredTwice() throws IOException {
        Fixtures.write(src, "a", "alpha");
        snapshot("one", docs());
        repo.close();
        Files.delete(vault.resolve(".linkvault/catalog.sqlite"));
        Files.deleteIfExists(vault.resolve(".linkvault/catalog.sqlite-wal"));
        repo = Repository.openForWriting(vault, "test", true);
        List<Repository.SnapshotInfo> list = repo.snapshots();
        assertEquals(1, list.size());
        assertEquals(Repository.State.COMPLETE, list.get(0).state());
        assertEquals(1, list.get(0).summary().files(), "figures come back from the manifest");
        Snapshotter.Result r = snapshot("two", docs());
        assertEquals(0, r.summary().newBlobs());
    }

    @Test
    void aDamagedCatalogIsSetAsideAndReplaced() throws IOException {
        Fixtures.write(src, "a", "alpha");
        snapshot("one", docs());
        repo.close();
        Files.writeString(vault.resolve(".linkvault/catalog.sqlite"), "this is not a database, it is garbage ".repeat(200));
        Files.deleteIfExists(vault.resolve(".linkvault/catalog.sqlite-wal"));
        Files.deleteIfExists(vault.resolve(".linkvault/catalog.sqlite-shm"));
        repo = Repository.openForWriting(vault, "test", true);
        assertEquals(Repository.State.COMPLETE, repo.snapshots().get(0).state());
        Snapshotter.Result two = snapshot("two", docs()); // the first use of the catalog
        assertEquals(1, two.summary().files());
        assertEquals(List.of(Repository.State.COMPLETE, Repository.State.COMPLETE),
                repo.snapshots().stream().map(Repository.SnapshotInfo::state).toList());
        try (var s = Files.list(vault.resolve(".linkvault"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("catalog.sqlite.damaged-")));
        }
    }

    @Test
    void symlinksAreStoredAsSymlinksAndNeverFollowed() throws IOException {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Fixtures.write(outside, "secret.txt", "not in the source");
        Files.createSymbolicLink(src.resolve("out"), outside);
        Files.createSymbolicLink(src.resolve("rel"), Path.of("../outside/secret.txt"));
        snapshot(null, docs());
        Path tree = vault.resolve("snapshots/2026-11-21/docs");
        assertTrue(Files.isSymbolicLink(tree.resolve("out")));
        assertEquals(outside, Files.readSymbolicLink(tree.resolve("out")));
        assertEquals(Path.of("../outside/secret.txt"), Files.readSymbolicLink(tree.resolve("rel")));
        assertEquals(0, Fixtures.files(vault.resolve(".data/sha1")).size(), "nothing behind a symlink was read");
        assertEquals(Manifest.Type.SYMLINK, manifest("2026-11-21").get("docs/out").type());
    }

    @Test
    void aSymlinkFromASourceNeverLetsALaterPathWriteOutsideTheSnapshot() throws IOException {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Source db = new Listed("db", List.of(
                Entry.symlink(List.of("link"), OLD, 0777, outside.toString()),
                file("gotcha", "link", "planted.txt")));
        Snapshotter.Result r = snapshot(null, db);
        assertEquals(1, r.summary().errors(), problems.toString());
        try (var s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing was written through the symlink");
        }
    }

    @Test
    void aPathGivenTwiceKeepsOneReportsTheOtherAndTheManifestAgreesWithTheTree() throws IOException {
        Snapshotter.Result r = snapshot(null, new Listed("db", List.of(file("first", "same"), file("second", "same"))));
        assertEquals(1, r.summary().errors());
        assertEquals(1, r.summary().files());
        assertTrue(problems.get(0).contains("already written"), problems.toString());
        Path kept = vault.resolve("snapshots/2026-11-21/db/same");
        assertEquals(Fixtures.sha1(kept), manifest("2026-11-21").get("db/same").blob());
    }

    @Test
    void aMissingSourceFolderStopsBeforeAnythingIsWritten() {
        LocalSource gone = new LocalSource("docs", dir.resolve("nope"), PathFilter.of(List.of(), List.of()));
        UserError e = assertThrows(UserError.class, () -> snapshot(null, gone));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(vault.resolve("snapshots/2026-11-21.partial"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aBlobRemovedFromTheStoreIsReadAgainFromTheSource() throws IOException {
        Fixtures.write(src, "a", "alpha");
        snapshot("one", docs());
        Path blob = Fixtures.files(vault.resolve(".data/sha1")).get(0);
        Repository.deleteTree(vault.resolve("snapshots/one"));
        Files.delete(blob);
        Snapshotter.Result r = snapshot("two", docs());
        assertEquals(1, r.summary().filesRead());
        assertEquals("alpha", Files.readString(vault.resolve("snapshots/two/docs/a")));
        assertTrue(Files.exists(blob));
    }

    private static Entry failing(RuntimeException x, String... path) {
        return Entry.file(List.of(path), 5, OLD, 0644, String.join("/", path), "fp", null, new Content() {
            @Override
            public java.io.InputStream open() {
                throw x;
            }
        });
    }

    private void assertNothingPublished() throws IOException {
        try (var s = Files.list(vault.resolve("snapshots"))) {
            assertTrue(s.noneMatch(p -> !p.getFileName().toString().endsWith(Repository.PARTIAL)), "nothing published");
        }
        try (var s = Files.list(repo.manifestsDir())) {
            assertEquals(0, s.filter(p -> p.toString().endsWith(".tsv.gz")).count(), "no manifest");
        }
    }

    @Test
    void aBugInAWorkerStopsTheRunAsACrashNotAsAPerFileError() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add(file("fine " + i, "f" + i));
        }
        entries.add(failing(new NullPointerException("oops"), "bad"));
        Snapshotter.Bug bug = assertThrows(Snapshotter.Bug.class, () -> snapshot(null, new Listed("db", entries)));
        assertTrue(bug.getMessage().contains("db/bad") && bug.getMessage().contains("NullPointerException")
                && bug.getMessage().contains("bug in linkvault"), bug.getMessage());
        assertNothingPublished();
    }

    @Test
    void aUserErrorOnAWorkerStopsTheRunWithItsOwnOneLineMessage() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add(failing(new UserError("environment variable K (the key) is not set; export it"), "f" + i));
        }
        UserError e = assertThrows(UserError.class, () -> snapshot(null, new Listed("db", entries)));
        assertEquals("environment variable K (the key) is not set; export it", e.getMessage());
        assertNothingPublished();
    }

    @Test
    void aBlobReplacedByASymlinkOrAFileOfAnotherSizeIsNeverLinkedByACatalogHit() throws IOException {
        Fixtures.write(src, "a", "alpha content");
        Fixtures.write(src, "b", "bravo content");
        snapshot("one", docs());
        Path outside = Fixtures.write(dir, "outside/hostname", "not yours");
        Path a = repo.blobs().path(dev.linkvault.repo.BlobId.parse(Fixtures.sha1(src.resolve("a"))));
        Path b = repo.blobs().path(dev.linkvault.repo.BlobId.parse(Fixtures.sha1(src.resolve("b"))));
        Files.delete(a);
        Files.createSymbolicLink(a, outside);
        Files.setPosixFilePermissions(b, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(b, "bravo content, grown");

        Snapshotter.Result r = snapshot("two", docs());
        assertEquals(2, r.summary().filesRead(), "neither was linked by its catalog row: " + problems);
        Path tree = vault.resolve("snapshots/two/docs");
        assertFalse(Files.isSymbolicLink(tree.resolve("a")));
        assertEquals("alpha content", Files.readString(tree.resolve("a")));
        assertEquals("bravo content", Files.readString(tree.resolve("b")));
        assertTrue(Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS), "the good content took the blob's name again");
        assertEquals("bravo content", Files.readString(b));
        try (var q = Files.list(vault.resolve(".data/quarantine"))) {
            assertEquals(2, q.count(), "what held the names was set aside, not deleted");
        }
        assertEquals("not yours", Files.readString(outside));
    }

    @Test
    void aSnapshotMostOfWhoseFilesFailedIsPublishedAsFailedAndNeverCountsAsAKeeper() throws IOException {
        snapshotAt(Instant.parse("2026-11-20T10:00:00Z"), "good", 2, new Listed("db", List.of(file("a", "a"),
                file("b", "b"), file("c", "c"))));
        Entry unreadable = Entry.file(List.of("x"), 5, OLD, 0644, "x", "fp", null, new Content() {
            @Override
            public java.io.InputStream open() throws IOException {
                throw new IOException("connection refused");
            }
        });
        List<Entry> mostlyBroken = new ArrayList<>(List.of(file("a", "a")));
        for (int i = 0; i < 3; i++) {
            mostlyBroken.add(Entry.file(List.of("x" + i), 5, OLD, 0644, "x" + i, "fp", null, unreadable.content()));
        }
        Snapshotter.Result r = snapshotAt(Instant.parse("2026-11-21T10:00:00Z"), "hollow", 2,
                new Listed("db", mostlyBroken));
        assertTrue(r.summary().failed(), "3 of 4 files failed: more than half");
        assertEquals(3, r.summary().errors());
        Map<String, Repository.State> states = new LinkedHashMap<>();
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            states.put(s.name(), s.state());
        }
        assertEquals(Map.of("good", Repository.State.COMPLETE, "hollow", Repository.State.FAILED), states);
        dev.linkvault.maintain.Forgetter.Plan plan = new dev.linkvault.maintain.Forgetter(repo).plan(
                new dev.linkvault.maintain.Retention.Policy(1, 0, 0, 0, 0, 0, null), java.time.ZoneOffset.UTC,
                java.time.Duration.ofDays(7), Instant.parse("2026-11-22T00:00:00Z"));
        assertEquals(1, plan.complete().size(), "the failed one is no candidate keeper");
        assertEquals("good", plan.complete().get(0).snapshot().name());
        assertTrue(plan.complete().get(0).keep());
        assertEquals("hollow", plan.incomplete().get(0).name());
        assertFalse(plan.incomplete().get(0).remove(), "within the grace period");
        assertEquals("a", Files.readString(vault.resolve("snapshots/hollow/db/a")), "what it holds is there");

        Snapshotter.Result half = snapshotAt(Instant.parse("2026-11-22T10:00:00Z"), "half", 2,
                new Listed("db", List.of(file("a", "a"), Entry.file(List.of("y"), 5, OLD, 0644, "y", "fp", null,
                        unreadable.content()))));
        assertFalse(half.summary().failed(), "1 of 2 is not more than half");
    }
}
