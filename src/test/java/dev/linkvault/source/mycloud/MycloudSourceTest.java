package dev.linkvault.source.mycloud;

import static dev.linkvault.source.mycloud.MycloudFixture.DIR;
import static dev.linkvault.source.mycloud.MycloudFixture.Layout.FLAT;
import static dev.linkvault.source.mycloud.MycloudFixture.Layout.NONE;
import static dev.linkvault.source.mycloud.MycloudFixture.Layout.SHARDED;
import static dev.linkvault.source.mycloud.MycloudFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import dev.linkvault.VaultTest;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.ingest.Snapshotter;
import dev.linkvault.repo.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MycloudSourceTest extends VaultTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    MycloudFixture dump;

    @BeforeEach
    void dump() throws Exception {
        dump = new MycloudFixture(dir.resolve("disk"));
    }

    private SourceConfig.Mycloud config(boolean trash, List<String> users) {
        return new SourceConfig.Mycloud("mycloud", dump.indexDb, dump.files, trash, users, List.of(), List.of());
    }

    private Snapshotter.Result snapshot(String name, SourceConfig.Mycloud cfg) throws Exception {
        dump.close();
        problems.clear();
        try (MycloudSource source = new MycloudSource(cfg, repo.tmpDir())) {
            return snapshotAt(NOW, name, 2, source);
        }
    }

    private Map<String, Manifest.Item> manifest(String name) throws IOException {
        Map<String, Manifest.Item> items = new LinkedHashMap<>();
        Manifest.read(repo.manifest(name), it -> items.put(it.path(), it));
        return items;
    }

    private String read(String snapshot, String path) throws IOException {
        return Files.readString(repo.tree(snapshot).resolve(path), StandardCharsets.UTF_8);
    }

    private boolean problem(String fragment) {
        return problems.stream().anyMatch(p -> p.contains(fragment));
    }

    @Test
    void severalUsersGetAFolderEachWithNamesAndCaptureDatesFromTheDatabase() throws Exception {
        String alice = dump.root("auth0|5e62c7d4alice");
        String bob = dump.root("auth0|5e62c7d4bob");
        String photos = dump.dir(alice, "Photos");
        String y2019 = dump.dir(photos, "2019 Summer | Beach");
        dump.file(y2019, "IMG_0001.jpg", "sun", SHARDED, T0 - 86_400_000L);
        dump.file(photos, "flat one.jpg", "flat", FLAT, null);
        dump.file(bob, "notes.txt", "bob's", SHARDED, null);
        dump.dir(bob, "empty");
        Snapshotter.Result r = snapshot("s1", config(false, List.of()));

        assertEquals(0, r.summary().errors(), problems.toString());
        assertEquals("sun", read("s1", "mycloud/auth0|5e62c7d4alice/Photos/2019 Summer | Beach/IMG_0001.jpg"));
        assertEquals("flat", read("s1", "mycloud/auth0|5e62c7d4alice/Photos/flat one.jpg"), "flat layout found too");
        assertEquals("bob's", read("s1", "mycloud/auth0|5e62c7d4bob/notes.txt"));
        assertTrue(Files.isDirectory(repo.tree("s1").resolve("mycloud/auth0|5e62c7d4bob/empty")));
        Map<String, Manifest.Item> m = manifest("s1");
        assertEquals(Instant.ofEpochMilli(T0 - 86_400_000L),
                m.get("mycloud/auth0|5e62c7d4alice/Photos/2019 Summer | Beach/IMG_0001.jpg").mtime(), "imageDate wins");
        assertEquals(Instant.ofEpochMilli(T0), m.get("mycloud/auth0|5e62c7d4bob/notes.txt").mtime(),
                "without a capture date: cTime (not the upload's birthTime or mTime)");
        assertEquals(Instant.ofEpochMilli(T0 - 86_400_000L), Files.getLastModifiedTime(
                repo.tree("s1").resolve("mycloud/auth0|5e62c7d4alice/Photos/2019 Summer | Beach/IMG_0001.jpg")).toInstant());
        List<String> found = new java.util.ArrayList<>();
        new dev.linkvault.maintain.Verifier(repo).run(dev.linkvault.maintain.Verifier.Subset.all(),
                p -> found.add(p.where() + ": " + p.what()));
        assertEquals(List.of(), found, "the tree is what its manifest says, no more");
    }

    @Test
    void theMtimeIsTheFirstNonZeroOfImageDateVideoDateCtimeBirthTime() throws Exception {
        String u = dump.root("auth0|only");
        dump.write("vid", "v".getBytes(), SHARDED);
        dump.row(u, "video.mp4", "video/mp4", "vid", 1, T0, 0L, T0 - 5000, null);
        dump.write("zer", "z".getBytes(), SHARDED);
        dump.row(u, "zeros.jpg", "image/jpeg", "zer", 1, 0, 0L, 0L, null);
        snapshot("s1", config(false, List.of()));

        Map<String, Manifest.Item> m = manifest("s1");
        assertEquals(Instant.ofEpochMilli(T0 - 5000), m.get("mycloud/video.mp4").mtime(), "imageDate 0 is no date");
        assertEquals(Instant.ofEpochMilli(1000), m.get("mycloud/zeros.jpg").mtime(), "then birthTime (cTime is 0)");
    }

    @Test
    void aSingleUsersTreeIsAtTheTopTrashOnlyWhenAskedAndFoldersByMimeTypeNotByContentId() throws Exception {
        String u = dump.root("auth0|only");
        String trash = dump.root("Trash");
        dump.file(trash, "deleted.jpg", "gone", SHARDED, null);
        dump.file(u, "kept.jpg", "kept", SHARDED, null);
        dump.write("dircontent", "x".getBytes(), SHARDED);
        String album = dump.row(u, "Album", DIR, "dircontent", 0, T0, null, null, null);
        dump.file(album, "in album.jpg", "a", SHARDED, null);
        dump.write("oct", "octet".getBytes(), SHARDED);
        dump.row(u, "no mime", "", "oct", 5, T0, null, null, null);

        snapshot("s1", config(false, List.of()));
        assertEquals(List.of("mycloud", "mycloud/Album", "mycloud/Album/in album.jpg", "mycloud/kept.jpg",
                "mycloud/no mime"), new ArrayList<>(manifest("s1").keySet()));
        assertTrue(problem("Trash of index.db is left out"), problems.toString());

        snapshot("s2", config(true, List.of()));
        assertEquals("gone", read("s2", "mycloud/[Trash]/deleted.jpg"));
        assertEquals("octet", read("s2", "mycloud/no mime"));
    }

    @Test
    void cyclesAndMissingParentsAreReportedAndKeptUnderOrphanedNeverLoopedOn() throws Exception {
        String u = dump.root("auth0|only");
        dump.file(u, "fine.jpg", "fine", SHARDED, null);
        // a -> b -> a: no root leads there.
        dump.row("cyclebbbbbbbbbbbbbbbbbbb", "a", DIR, null, 0, T0, null, null, "cycleaaaaaaaaaaaaaaaaaaa");
        dump.row("cycleaaaaaaaaaaaaaaaaaaa", "b", DIR, null, 0, T0, null, null, "cyclebbbbbbbbbbbbbbbbbbb");
        dump.file("cyclebbbbbbbbbbbbbbbbbbb", "in cycle.jpg", "cyc", SHARDED, null);
        // A self-loop, and a subtree whose parent row is gone.
        dump.row("selfselfselfselfselfself", "self", DIR, null, 0, T0, null, null, "selfselfselfselfselfself");
        String lost = dump.dir("goneparentgoneparentgone", "Lost Album");
        dump.file(lost, "lost.jpg", "lost", SHARDED, null);
        dump.file("goneparentgoneparentgone", "loose.jpg", "loose", SHARDED, null);
        // A row below a file.
        String f = dump.file(u, "a file.jpg", "f", SHARDED, null);
        dump.file(f, "under a file.jpg", "uf", SHARDED, null);

        Snapshotter.Result r = snapshot("s1", config(false, List.of()));
        assertEquals(0, r.summary().errors(), problems.toString());
        assertEquals("fine", read("s1", "mycloud/fine.jpg"));
        assertEquals("cyc", read("s1", "mycloud/[orphaned]/cycle cycleaaaaaaaaaaaaaaaaaaa/a/b/in cycle.jpg"));
        assertTrue(Files.isDirectory(repo.tree("s1").resolve("mycloud/[orphaned]/cycle selfselfselfselfselfself/self")));
        assertEquals("lost", read("s1", "mycloud/[orphaned]/parent goneparentgoneparentgone/Lost Album/lost.jpg"));
        assertEquals("loose", read("s1", "mycloud/[orphaned]/parent goneparentgoneparentgone/loose.jpg"));
        assertEquals("uf", read("s1", "mycloud/[orphaned]/parent " + f + "/under a file.jpg"));
        assertTrue(problem("cycleaaaaaaaaaaaaaaaaaaa -> cyclebbbbbbbbbbbbbbbbbbb -> cycleaaaaaaaaaaaaaaaaaaa"),
                problems.toString());
        assertTrue(problem("selfselfselfselfselfself -> selfselfselfselfselfself"), problems.toString());
        assertTrue(problem("parent goneparentgoneparentgone is not a folder"), problems.toString());
    }

    @Test
    void duplicateAndUnusableNamesAreKeptRenamedDeterministicallyAndSaid() throws Exception {
        String u = dump.root("auth0|only");
        String first = dump.file(u, "IMG_1.jpg", "first", SHARDED, null);
        String second = dump.file(u, "IMG_1.jpg", "second", SHARDED, null);
        dump.file(u, "AC/DC live.mp3", "slash", SHARDED, null);
        dump.file(u, "..", "dots", SHARDED, null);
        dump.file(u, "[orphaned]", "reserved", SHARDED, null);
        dump.dir("nobodynobodynobodynobody", "x");

        Snapshotter.Result r = snapshot("s1", config(false, List.of()));
        assertEquals(0, r.summary().errors(), problems.toString());
        assertEquals("first", read("s1", "mycloud/IMG_1.jpg"), "the older row keeps the name");
        assertEquals("second", read("s1", "mycloud/IMG_1~" + second + ".jpg"));
        assertEquals("slash", read("s1", "mycloud/AC_DC live.mp3"));
        assertEquals("dots", read("s1", "mycloud/_.."));
        assertEquals("reserved", read("s1", "mycloud/[orphaned]~" + idOf("[orphaned]")),
                "a user's entry never takes the name of linkvault's own folder");
        assertTrue(problem("stored as 'AC_DC live.mp3'"), problems.toString());
        assertTrue(problem("this one (row " + second + ") is stored as 'IMG_1~" + second + ".jpg'"), problems.toString());
        assertFalse(first.equals(second));

        // The same rows give the same names next time.
        snapshot("s2", config(false, List.of()));
        assertEquals(manifest("s1").keySet(), manifest("s2").keySet());
    }

    private String idOf(String name) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dump.indexDb);
             var ps = c.prepareStatement("SELECT id FROM Files WHERE name = ?")) {
            ps.setString(1, name);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void missingBytesArePerFileErrorsEmptyFilesNeedNoneAndOrphanBytesAreListed() throws Exception {
        String u = dump.root("auth0|only");
        dump.file(u, "present.jpg", "here", SHARDED, null);
        dump.file(u, "missing.jpg", "never written", NONE, null);
        dump.row(u, "empty.txt", "text/plain", null, 0, T0, null, null, null);
        dump.row(u, "no content id.jpg", "image/jpeg", null, 12, T0, null, null, null);
        dump.row(u, "evil.jpg", "image/jpeg", "../../../etc/passwd", 12, T0, null, null, null);
        dump.write("previewonly", "thumb".getBytes(), SHARDED);
        dump.write("flatorphan", "thumb2".getBytes(), FLAT);

        Snapshotter.Result r = snapshot("s1", config(false, List.of()));
        assertEquals(3, r.summary().errors(), problems.toString());
        assertEquals("here", read("s1", "mycloud/present.jpg"));
        assertEquals("", read("s1", "mycloud/empty.txt"));
        assertTrue(problem("mycloud/missing.jpg: bytes missing"), problems.toString());
        assertTrue(problem("mycloud/no content id.jpg: row"), problems.toString());
        assertTrue(problem("is not a plain file name"), problems.toString());
        assertFalse(Files.exists(repo.tree("s1").resolve("mycloud/missing.jpg")));

        List<String> orphans = new ArrayList<>();
        try (MycloudSource source = new MycloudSource(config(false, List.of()), repo.tmpDir())) {
            source.reportOrphans(orphans::add);
        }
        assertEquals(List.of("files/flatorphan (6 bytes): no row of index.db names it",
                "files/p/previewonly (5 bytes): no row of index.db names it"), orphans.stream().sorted().toList());
    }

    @Test
    void anUnchangedRerunReadsNothingAndDuplicateContentIsOneBlob() throws Exception {
        String u = dump.root("auth0|only");
        dump.file(u, "a.jpg", "same bytes", SHARDED, null);
        dump.file(u, "b.jpg", "same bytes", FLAT, null);
        dump.file(u, "c.jpg", "other", SHARDED, null);
        Snapshotter.Result first = snapshot("s1", config(false, List.of()));
        assertEquals(3, first.summary().filesRead());
        assertEquals(2, first.summary().newBlobs());
        Snapshotter.Result second = snapshot("s2", config(false, List.of()));
        assertEquals(0, second.summary().filesRead(), "catalog: nothing read again");
        assertEquals(Fixtures.inode(repo.tree("s1").resolve("mycloud/a.jpg")),
                Fixtures.inode(repo.tree("s2").resolve("mycloud/b.jpg")));
    }

    @Test
    void twoScansAtOnceSeeTheSameTree() throws Exception {
        // A live terminal scans a second time alongside the snapshot, to estimate its size.
        String u = dump.root("auth0|only");
        for (int d = 0; d < 20; d++) {
            String folder = dump.dir(u, "folder " + d);
            for (int f = 0; f < 50; f++) {
                dump.file(folder, "f" + f + ".jpg", "c" + (f % 7), SHARDED, null);
            }
        }
        dump.dir("nobodynobodynobodynobody", "orphan");
        dump.close();
        try (MycloudSource source = new MycloudSource(config(false, List.of()), repo.tmpDir())) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(1);
            List<List<String>> inner = new ArrayList<>();
            try {
                // The second scan runs whole while the first is half-way through a folder.
                List<String> outer = scan(source, seen -> {
                    if (seen.size() == 100 && inner.isEmpty()) {
                        inner.add(pool.submit(() -> scan(source, x -> { })).get());
                    }
                });
                assertEquals(outer, inner.get(0));
                assertEquals(1 + 20 + 1000 + 3, outer.stream().filter(x -> !x.startsWith("note ")).count(),
                        outer.stream().filter(x -> x.startsWith("error")).toList().toString());
                assertTrue(outer.stream().anyMatch(x -> x.startsWith("note ") && x.contains("nobodynobody")));
            } finally {
                pool.shutdown();
            }
        }
    }

    private interface After {
        void accept(List<String> seen) throws Exception;
    }

    private static List<String> scan(MycloudSource source, After after) throws Exception {
        List<String> seen = new ArrayList<>();
        source.scan(new dev.linkvault.source.Sink() {
            @Override
            public void entry(dev.linkvault.source.Entry e) {
                seen.add(String.join("/", e.path()));
                try {
                    after.accept(seen);
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }

            @Override
            public void error(List<String> path, String message) {
                seen.add("error " + message);
            }

            @Override
            public void note(List<String> path, String message) {
                seen.add("note " + message);
            }
        });
        return seen;
    }

    @Test
    void theProgressEstimateComesFromTheRowsAndMatchesWhatAScanDelivers() throws Exception {
        String alice = dump.root("auth0|alice");
        String bob = dump.root("auth0|bob");
        String trash = dump.root("Trash");
        String deep = dump.dir(dump.dir(alice, "a"), "b");
        for (int i = 0; i < 30; i++) {
            dump.file(i % 2 == 0 ? deep : alice, "a" + i + ".jpg", "alice " + i, SHARDED, null);
            dump.file(bob, "b" + i + ".jpg", "bob " + i + " with more bytes", FLAT, null);
        }
        dump.file(trash, "old.jpg", "trash", SHARDED, null);
        dump.file(dump.dir("lostlostlostlostlostlost", "lost"), "l.jpg", "lost", SHARDED, null);
        dump.row("cyclebbbbbbbbbbbbbbbbbbb", "a", DIR, null, 0, T0, null, null, "cycleaaaaaaaaaaaaaaaaaaa");
        dump.row("cycleaaaaaaaaaaaaaaaaaaa", "b", DIR, null, 0, T0, null, null, "cyclebbbbbbbbbbbbbbbbbbb");
        dump.file("cyclebbbbbbbbbbbbbbbbbbb", "c.jpg", "in a cycle", SHARDED, null);
        dump.close();
        for (SourceConfig.Mycloud cfg : List.of(config(false, List.of()), config(true, List.of()),
                config(false, List.of("auth0|bob")))) {
            try (MycloudSource source = new MycloudSource(cfg, repo.tmpDir())) {
                long[] counted = new long[2];
                source.scan(new dev.linkvault.source.Sink() {
                    @Override
                    public void entry(dev.linkvault.source.Entry e) {
                        if (e.type() == dev.linkvault.source.Entry.Type.FILE) {
                            counted[0]++;
                            counted[1] += e.size();
                        }
                    }

                    @Override
                    public void error(List<String> path, String message) {}

                    @Override
                    public void note(List<String> path, String message) {}
                });
                dev.linkvault.source.Source.Estimate estimate = source.estimate();
                assertEquals(counted[0], estimate.files(), "files, trash " + cfg.trash() + ", users " + cfg.users());
                assertEquals(counted[1], estimate.bytes(), "bytes, trash " + cfg.trash() + ", users " + cfg.users());
            }
        }
    }

    @Test
    void includeAndIgnoreBehaveAsForALocalFolder() throws Exception {
        String u = dump.root("auth0|only");
        String photos = dump.dir(u, "Photos");
        dump.file(photos, "a.jpg", "photo", SHARDED, null);
        String music = dump.dir(u, "Music");
        dump.file(music, "b.mp3", "song", SHARDED, null);
        dump.dir(u, "Empty");
        SourceConfig.Mycloud base = config(false, List.of());
        snapshot("inc", new SourceConfig.Mycloud(base.name(), base.indexDb(), base.files(), false, List.of(),
                List.of("Photos/"), List.of()));
        assertEquals(List.of("mycloud", "mycloud/Photos", "mycloud/Photos/a.jpg"), List.copyOf(manifest("inc").keySet()),
                "no folders outside the include, not even empty ones");
        snapshot("ign", new SourceConfig.Mycloud(base.name(), base.indexDb(), base.files(), false, List.of(),
                List.of(), List.of("Photos$")));
        assertEquals(List.of("mycloud", "mycloud/Empty", "mycloud/Music", "mycloud/Music/b.mp3"),
                List.copyOf(manifest("ign").keySet()), "an ignored folder goes with all in it");
    }

    @Test
    void deepTreesAreRebuiltWithoutRecursionTrouble() throws Exception {
        String u = dump.root("auth0|only");
        String parent = u;
        StringBuilder path = new StringBuilder("mycloud");
        for (int i = 0; i < 300; i++) {
            parent = dump.dir(parent, "d" + (i % 10));
            path.append("/d").append(i % 10);
        }
        dump.file(parent, "bottom.txt", "deep", SHARDED, null);
        Snapshotter.Result r = snapshot("s1", config(false, List.of()));
        assertEquals(0, r.summary().errors(), problems.toString());
        assertEquals("deep", read("s1", path + "/bottom.txt"));
    }

    @Test
    void usersPicksRootsByNameOrIdAndAnUnknownOneIsRefusedUpFront() throws Exception {
        String alice = dump.root("auth0|alice");
        String bob = dump.root("auth0|bob");
        dump.file(alice, "a.txt", "a", SHARDED, null);
        dump.file(bob, "b.txt", "b", SHARDED, null);
        snapshot("s1", config(false, List.of("auth0|bob")));
        assertEquals("b", read("s1", "mycloud/b.txt"), "one user chosen: their tree at the top");
        snapshot("s2", config(false, List.of(alice, "auth0|bob")));
        assertEquals("a", read("s2", "mycloud/auth0|alice/a.txt"));

        IOException e = assertThrows(IOException.class,
                () -> new MycloudSource(config(false, List.of("auth0|carol")), repo.tmpDir()).check());
        assertEquals("source 'mycloud': users: 'auth0|carol' is not a user root of index.db; its user roots are:"
                + " auth0|alice, auth0|bob", e.getMessage());
    }

    @Test
    void aReadOnlyDatabaseIsReadAndNothingBesideItIsWrittenOrChanged() throws Exception {
        String u = dump.root("auth0|only");
        dump.file(u, "a.jpg", "a", SHARDED, null);
        dump.close();
        Path dbDir = dump.indexDb.getParent();
        Files.setPosixFilePermissions(dump.indexDb, PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(dbDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            byte[] before = Files.readAllBytes(dump.indexDb);
            var mtime = Files.getLastModifiedTime(dump.indexDb);
            Snapshotter.Result r = snapshot("s1", config(false, List.of()));
            assertEquals(0, r.summary().errors(), problems.toString());
            assertEquals("a", read("s1", "mycloud/a.jpg"));
            try (Stream<Path> l = Files.list(dbDir)) {
                assertEquals(List.of("index.db"), l.map(p -> p.getFileName().toString()).toList(),
                        "no -journal, -wal or -shm beside it");
            }
            assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dump.indexDb)));
            assertEquals(mtime, Files.getLastModifiedTime(dump.indexDb));
        } finally {
            Files.setPosixFilePermissions(dbDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void pendingWalChangesAreReadFromACopyAndTheOriginalsAreNotTouched() throws Exception {
        String u = dump.root("auth0|only");
        dump.file(u, "before.jpg", "b", SHARDED, null);
        dump.sql("PRAGMA journal_mode=WAL");
        dump.sql("PRAGMA wal_autocheckpoint=0");
        dump.file(u, "only in wal.jpg", "w", SHARDED, null);
        // Keep the -wal as a crash would: copy the files while the writer still has them open.
        Path crashed = Files.createDirectories(dir.resolve("crashed/db"));
        Files.copy(dump.indexDb, crashed.resolve("index.db"));
        Files.copy(dump.indexDb.resolveSibling("index.db-wal"), crashed.resolve("index.db-wal"));
        byte[] wal = Files.readAllBytes(crashed.resolve("index.db-wal"));
        assertTrue(wal.length > 0);
        SourceConfig.Mycloud cfg = new SourceConfig.Mycloud("mycloud", crashed.resolve("index.db"), dump.files, false,
                List.of(), List.of(), List.of());
        Snapshotter.Result r = snapshot("s1", cfg);
        assertEquals(0, r.summary().errors(), problems.toString());
        assertEquals("w", read("s1", "mycloud/only in wal.jpg"));
        assertTrue(problem("read from a copy"), problems.toString());
        assertTrue(java.util.Arrays.equals(wal, Files.readAllBytes(crashed.resolve("index.db-wal"))));
        try (Stream<Path> l = Files.list(crashed)) {
            assertEquals(List.of("index.db", "index.db-wal"), l.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Stream<Path> l = Files.list(repo.tmpDir())) {
            assertEquals(0, l.filter(p -> p.getFileName().toString().startsWith("mycloud")).count(),
                    "the copy and the work file are gone");
        }
    }

    @Test
    void aDamagedDatabaseIsReadAroundTheDamageAndTheLostRowsAreAnError() throws Exception {
        String u = dump.root("auth0|only");
        String album = dump.dir(u, "Album");
        for (int i = 0; i < 2000; i++) {
            // Long names: the rows fill many pages of the table.
            dump.file(album, String.format("IMG_%04d %s.jpg", i, "x".repeat(150)), "photo " + (i % 10), SHARDED, null);
        }
        dump.close();
        long page;
        int pageSize;
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dump.indexDb); var st = c.createStatement()) {
            var rs = st.executeQuery("PRAGMA page_size");
            rs.next();
            pageSize = rs.getInt(1);
            rs = st.executeQuery("SELECT pageno FROM dbstat WHERE name = 'Files' AND pagetype = 'leaf' ORDER BY pageno");
            List<Long> leaves = new ArrayList<>();
            while (rs.next()) {
                leaves.add(rs.getLong(1));
            }
            assertTrue(leaves.size() > 20, "the table spans many pages: " + leaves.size());
            page = leaves.get(leaves.size() / 2);
        }
        try (var f = java.nio.channels.FileChannel.open(dump.indexDb, java.nio.file.StandardOpenOption.WRITE)) {
            byte[] junk = new byte[pageSize];
            java.util.Arrays.fill(junk, (byte) 0xA5);
            f.write(java.nio.ByteBuffer.wrap(junk), (page - 1) * pageSize);
        }

        Snapshotter.Result r = snapshot("s1", config(false, List.of()));
        assertEquals(1, r.summary().errors(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.matches("ERROR mycloud: index\\.db is damaged \\(.*\\): the rows with"
                + " autoID \\d+ to \\d+ could not be read; they are missing from the snapshot.*")), problems.toString());
        long kept;
        try (Stream<Path> l = Files.list(repo.tree("s1").resolve("mycloud/Album"))) {
            kept = l.count();
        }
        assertTrue(kept > 1800 && kept < 2000, "the rows around the damaged page are kept: " + kept);
        assertEquals("photo 0", read("s1", "mycloud/Album/IMG_0000 " + "x".repeat(150) + ".jpg"));
        assertEquals("photo 9", read("s1", "mycloud/Album/IMG_1999 " + "x".repeat(150) + ".jpg"));
    }

    @Test
    void aFileThatIsNotADatabaseOrHasNoFilesTableIsOneClearError() throws Exception {
        dump.close();
        Path notDb = Files.writeString(dir.resolve("notes.txt"), "hello, this is not SQLite at all, not even close");
        IOException e = assertThrows(IOException.class, () -> new MycloudSource(new SourceConfig.Mycloud("m", notDb,
                dump.files, false, List.of(), List.of(), List.of()), repo.tmpDir()).check());
        assertTrue(e.getMessage().startsWith("index-db " + notDb + " cannot be read as SQLite"), e.getMessage());
        Path other = dir.resolve("other.db");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other); var s = c.createStatement()) {
            s.execute("CREATE TABLE t(x)");
        }
        e = assertThrows(IOException.class, () -> new MycloudSource(new SourceConfig.Mycloud("m", other,
                dump.files, false, List.of(), List.of(), List.of()), repo.tmpDir()).check());
        assertTrue(e.getMessage().contains("has no table Files"), e.getMessage());
    }
}
