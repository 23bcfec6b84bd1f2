package dev.linkvault.source.nextcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.UserError;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.ingest.ProgressListener;
import dev.linkvault.ingest.Snapshotter;
import dev.linkvault.repo.Repository;
import dev.linkvault.s3.S3Clients;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The nextcloud source against a real S3 server (S3Proxy, in this JVM) and a real SQLite database. */
class NextcloudSourceTest {
    /** The database the fixture lives in; a subclass runs every test against PostgreSQL instead. */
    String dbUrl;
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    static S3Proxy server;
    static CountingProxy wire;
    static S3Client direct;

    @TempDir
    Path dir;
    String bucket;
    NextcloudFixture fixture;
    Repository repo;
    final List<String> problems = new ArrayList<>();

    @BeforeAll
    static void startS3() throws Exception {
        server = S3Proxy.builder().blobStore(new TransientNio2BlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret").build();
        server.start();
        while (!"STARTED".equals(server.getState())) {
            Thread.sleep(10);
        }
        wire = new CountingProxy(server.getPort());
        direct = S3Clients.create(s3Config("http://127.0.0.1:" + server.getPort(), "any", null), 4);
    }

    @AfterAll
    static void stopS3() throws Exception {
        direct.close();
        wire.close();
        server.stop();
    }

    static SourceConfig.S3 s3Config(String endpoint, String bucket, Path keys) {
        SourceConfig.Secret access = keys == null ? SourceConfig.Secret.NONE : new SourceConfig.Secret(null, keys.resolve("access"));
        SourceConfig.Secret secret = keys == null ? SourceConfig.Secret.NONE : new SourceConfig.Secret(null, keys.resolve("secret"));
        if (keys == null) {
            System.setProperty("aws.accessKeyId", "test-access");
            System.setProperty("aws.secretAccessKey", "test-secret");
        }
        return new SourceConfig.S3(endpoint, "us-east-1", bucket, true, access, secret, "urn:oid:", false, 64,
                SourceConfig.Secret.NONE);
    }

    @BeforeEach
    void setUp() throws Exception {
        bucket = "nextcloud" + BUCKETS.incrementAndGet();
        direct.createBucket(b -> b.bucket(bucket));
        Files.writeString(dir.resolve("access"), "test-access\n");
        Files.writeString(dir.resolve("secret"), "test-secret\n");
        fixture = new NextcloudFixture();
        dbUrl = freshDatabase();
        try (Connection c = DriverManager.getConnection(dbUrl)) {
            c.setAutoCommit(false);
            NextcloudFixture.createTables(c, dbUrl);
            fixture.populate(c, direct, bucket);
        }
        Repository.init(dir.resolve("vault"));
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        wire.reset();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (repo != null) {
            repo.close();
        }
    }

    /**
     * Whether this class runs the scenarios against another database than SQLite: the tests of
     * the bucket side (retries, checks, aliases, SSE-C) are the same for every database and run
     * only where the database does not vary (SQLite, and LocalStack's S3 when Docker is there).
     */
    boolean variesTheDatabase() {
        return false;
    }

    void bucketSideOnly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(variesTheDatabase(),
                "the bucket side does not depend on the database: run with SQLite");
    }

    /** An empty database for one test; its JDBC URL carries any credentials. */
    String freshDatabase() throws Exception {
        return "jdbc:sqlite:" + dir.resolve("nextcloud.db");
    }

    private String dbUrl() {
        return dbUrl;
    }

    private SourceConfig.Nextcloud config(String prefix, String bucketName, List<SourceConfig.Mapping> mappings) {
        return new SourceConfig.Nextcloud("nc", new SourceConfig.Database(dbUrl(), null, SourceConfig.Secret.NONE, prefix),
                s3Config("http://127.0.0.1:" + wire.port(), bucketName, dir), mappings);
    }

    private static SourceConfig.Mapping user(String user, String path, String as) {
        return new SourceConfig.Mapping(user, null, path, as, List.of(), List.of(), List.of(), List.of());
    }

    private SourceConfig.Nextcloud aliceAndBob() {
        return config("oc_", bucket, List.of(user("alice", "files/", "alice"), user("bob", "files/", "bob")));
    }

    private Snapshotter.Result snapshot(String name, SourceConfig.Nextcloud cfg) throws Exception {
        return snapshot(name, cfg, NextcloudSource.LIST_AFTER_UNKNOWN_ROWS);
    }

    private Snapshotter.Result snapshot(String name, SourceConfig.Nextcloud cfg, long listAfter) throws Exception {
        return snapshot(name, cfg, listAfter, S3Clients.Timing.DEFAULT);
    }

    /** Timings of seconds where the real ones are minutes: a brown-out of 1 s, a store down after 2 s. */
    static final S3Clients.Timing QUICK = new S3Clients.Timing(java.time.Duration.ofMillis(50),
            java.time.Duration.ofMillis(300), 12, java.time.Duration.ofSeconds(2), java.time.Duration.ofMillis(800), 1024);

    private Snapshotter.Result snapshot(String name, SourceConfig.Nextcloud cfg, long listAfter, S3Clients.Timing timing)
            throws Exception {
        try (NextcloudSource source = new NextcloudSource(cfg, () -> S3Clients.create(cfg.s3(), 4, timing), null,
                listAfter, timing)) {
            Snapshotter s = new Snapshotter(repo, Clock.fixed(Instant.parse("2026-11-21T03:00:00Z"), ZoneOffset.UTC),
                    new ProgressListener() {
                        @Override
                        public void problem(Severity severity, String path, String message) {
                            problems.add(severity + " " + path + ": " + message);
                        }
                    });
            return s.run(List.of(source), new Snapshotter.Options(name, "yyyy-MM-dd", ZoneOffset.UTC, 4),
                    new AtomicBoolean());
        }
    }

    @Test
    void eachUsersTreeBecomesAFolderOfTheSnapshotWithTheRightNamesAndBytes() throws Exception {
        Snapshotter.Result r = snapshot("s1", aliceAndBob());
        Path tree = dir.resolve("vault/snapshots/s1");
        for (Map.Entry<String, String> e : fixture.alice.entrySet()) {
            assertEquals(e.getValue(), Files.readString(tree.resolve("alice").resolve(e.getKey())), e.getKey());
        }
        for (Map.Entry<String, String> e : fixture.bob.entrySet()) {
            assertEquals(e.getValue(), Files.readString(tree.resolve("bob").resolve(e.getKey())), e.getKey());
        }
        assertFalse(Files.exists(tree.resolve("alice/upload.txt.ocTransferId123.part")), "uploads in progress are skipped");
        assertFalse(Files.exists(tree.resolve("alice/files_trashbin")), "the trash bin is outside files/");
        assertEquals(Instant.ofEpochSecond(1600000002), Files.getLastModifiedTime(tree.resolve("alice/Docs")).toInstant());
        assertEquals(Instant.ofEpochSecond(1600000100),
                Files.getLastModifiedTime(tree.resolve("alice/Docs/report 2024.txt")).toInstant(), "the row's mtime");
        assertEquals(1, r.summary().errors(), problems.toString());
        assertEquals(1, problems.stream().filter(p -> p.startsWith("WARNING alice/stale-sum.bin: the source's checksum"
                + " is stale")).count(), problems.toString());
        assertEquals(0, problems.stream().filter(p -> p.contains("right-sum")).count(), problems.toString());
        assertTrue(problems.contains("ERROR alice/gone.txt: object urn:oid:" + fixture.goneFileId + " is missing from bucket "
                + bucket + " (the database row points at an object that is gone)"), problems.toString());
        assertEquals(fixture.alice.size() + fixture.bob.size(), r.summary().files());
        assertEquals(fixture.alice.size() + fixture.bob.size() - 1 + 1, wire.count("GET object"),
                "one GET per file, none for the empty one, one for the missing object: " + wire);
        List<String> found = new java.util.ArrayList<>();
        new dev.linkvault.maintain.Verifier(repo).run(dev.linkvault.maintain.Verifier.Subset.all(),
                p -> found.add(p.where() + ": " + p.what()));
        assertEquals(List.of(), found, "the tree is what its manifest says, no more");
    }

    /** The manifest's paths in order; each one's folder came before it. */
    private List<String> manifestPaths(String snapshot) throws Exception {
        List<String> paths = new java.util.ArrayList<>();
        dev.linkvault.repo.Manifest.read(repo.manifest(snapshot), it -> paths.add(it.path()));
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String p : paths) {
            int slash = p.lastIndexOf('/');
            assertTrue(slash < 0 || seen.contains(p.substring(0, slash)), p + " came before its folder in " + paths);
            seen.add(p);
        }
        return paths;
    }

    private static SourceConfig.Mapping groupfolder(String name, Long id, boolean all, String part, String as) {
        return new SourceConfig.Mapping(null, null, "files/", as, List.of(), List.of(), List.of(), List.of(), name, id, all,
                part);
    }

    /** The fixture's group folders, encrypted row and stale row; 'Finance' lives in a bucket of its own. */
    private void withGroupfolders() throws Exception {
        String finance = bucket + "-gf2";
        direct.createBucket(b -> b.bucket(finance));
        try (Connection c = DriverManager.getConnection(dbUrl)) {
            c.setAutoCommit(false);
            fixture.populateGroupfolders(c, dbUrl, direct, bucket, finance);
        }
    }

    @Test
    void groupFoldersOfBothLayoutsBecomeFoldersOfTheSnapshot() throws Exception {
        withGroupfolders();
        Snapshotter.Result r = snapshot("gf", config("oc_", bucket, List.of(groupfolder("Team", null, false, "files", "team"),
                groupfolder(null, 2L, false, "files", "finance"), groupfolder(null, null, true, "files", "groups"))));
        Path tree = dir.resolve("vault/snapshots/gf");
        assertEquals("team plan", Files.readString(tree.resolve("team/Plans/q1.txt")), "jailed, from before the 2025 migration");
        assertEquals("team notes", Files.readString(tree.resolve("team/notes.txt")));
        assertEquals("budget", Files.readString(tree.resolve("finance/Budget 2026.txt")), "a storage and a bucket of its own");
        for (Map.Entry<String, String> e : fixture.groupfolders.entrySet()) {
            assertEquals(e.getValue(), Files.readString(tree.resolve("groups").resolve(e.getKey())), "all: " + e.getKey());
        }
        assertEquals(Instant.ofEpochSecond(1600000200), Files.getLastModifiedTime(tree.resolve("team")).toInstant(),
                "the group folder's own row");
        assertFalse(Files.exists(tree.resolve("team/trash")) || Files.exists(tree.resolve("groups/Team/old plan.txt.d1600000300")),
                "no trash unless asked");
        List<String> paths = manifestPaths("gf");
        assertEquals(List.of("groups", "groups/Finance", "groups/Finance/Budget 2026.txt", "groups/Projects",
                "groups/Projects/Alpha", "groups/Projects/Alpha/alpha.txt", "groups/Team"),
                paths.subList(paths.indexOf("groups"), paths.indexOf("groups/Team") + 1), "mount points in name order");
        assertEquals(0, r.summary().errors(), problems.toString());
        assertTrue(ManifestIndexCheck.sorted(repo.manifest("gf")), "each top folder's lines in order, so the index seeks");
    }

    @Test
    void aGroupFoldersTrashOrVersionsWhenAskedAndAnUnknownNameListsTheOnesThereAre() throws Exception {
        withGroupfolders();
        snapshot("parts", config("oc_", bucket, List.of(groupfolder("Team", null, false, "trash", "team-trash"),
                groupfolder(null, 2L, false, "versions", "finance-versions"))));
        Path tree = dir.resolve("vault/snapshots/parts");
        assertEquals("trashed plan", Files.readString(tree.resolve("team-trash/old plan.txt.d1600000300")));
        assertEquals("old budget", Files.readString(tree.resolve("finance-versions/999/1600000400")));
        UserError unknown = assertThrows(UserError.class, () -> snapshot("x", config("oc_", bucket,
                List.of(groupfolder("Marketing", null, false, "files", "m")))));
        assertTrue(unknown.getMessage().contains("groupfolder 'Marketing' (mapping 'm') is not in oc_group_folders; the group"
                + " folders are: 'Team' (id 1), 'Finance' (id 2), 'Projects/Alpha' (id 3)"), unknown.getMessage());
    }

    @Test
    void encryptedRowsAreCountedOnceAndMarkedAndAStaleRowSizeIsAWarning() throws Exception {
        withGroupfolders();
        Snapshotter.Result r = snapshot("enc", config("oc_", bucket, List.of(user("carol", "files/", "carol"))));
        assertEquals(1, problems.stream().filter(p -> p.startsWith("WARNING carol: 1 files (")
                && p.contains("encrypted by Nextcloud's server-side encryption")).count(), problems.toString());
        assertTrue(problems.contains("WARNING carol/restored.txt: the source lists 7 bytes but the content has 20 (its"
                + " listing is stale: for Nextcloud the oc_filecache row); stored as read"), problems.toString());
        assertEquals("the restored version", Files.readString(dir.resolve("vault/snapshots/enc/carol/restored.txt")));
        List<String> notes = new ArrayList<>();
        dev.linkvault.repo.Manifest.read(repo.manifest("enc"), new dev.linkvault.repo.Manifest.Visitor() {
            @Override
            public void item(dev.linkvault.repo.Manifest.Item item) {}

            @Override
            public void note(String path, String message) {
                notes.add(path + ": " + message);
            }
        });
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("carol/secret.txt: encrypted by Nextcloud's server-side encryption"), notes.toString());
        assertEquals(2, r.summary().files());
    }

    @Test
    void nextcloudCheckFindsOrphansMissingObjectsStaleSizesOldUploadsAndEncryptedRows() throws Exception {
        withGroupfolders();
        SourceConfig.Nextcloud cfg = config("oc_", bucket, List.of(user("alice", "files/", "alice"),
                user("carol", "files/", "carol"), groupfolder(null, null, true, "files", "groups")));
        NextcloudCheck.Report r = new NextcloudCheck(cfg, () -> S3Clients.create(cfg.s3(), 4),
                Instant.parse("2026-11-21T03:00:00Z")).run(dir);
        NextcloudCheck.MappingReport alice = r.mappings().get(0);
        assertEquals("alice", alice.as());
        assertEquals(1, alice.missing(), alice.toString());
        assertTrue(alice.findings().contains(new NextcloudCheck.Finding("files/gone.txt", 9, "no object urn:oid:"
                + fixture.goneFileId + " in bucket " + bucket)), alice.findings().toString());
        assertEquals(1, alice.staleUploads(), "the .part of 2020");
        assertEquals(0, alice.sizeDiffers());
        NextcloudCheck.MappingReport carol = r.mappings().get(1);
        assertEquals(1, carol.sizeDiffers(), carol.toString());
        assertEquals(1, carol.encrypted());
        assertEquals(0, r.mappings().get(2).missing() + r.mappings().get(2).sizeDiffers(), "the group folders are whole");
        NextcloudCheck.BucketReport main = r.buckets().stream().filter(b -> b.bucket().equals(bucket)).findFirst().orElseThrow();
        assertEquals(1, main.orphans(), "only the object no row of any storage has (bob's are his, unmapped): " + main);
        assertEquals("urn:oid:999999", main.findings().get(0).where());
        assertEquals(13, main.orphanBytes());
        assertEquals(4, r.problems());
        assertEquals(0, wire.count("GET object"), "nothing downloaded: " + wire);

        // the same through the command line, as an admin runs it
        Path yaml = dir.resolve("nc.yaml");
        Repository.init(dir.resolve("vault2")); // the test holds vault's lock
        Files.writeString(yaml, "repository: " + dir.resolve("vault2") + "\nsources:\n  - type: nextcloud\n    name: nc\n"
                + "    database: {url: '" + dbUrl + "'}\n    s3: {endpoint: 'http://127.0.0.1:" + wire.port() + "', bucket: "
                + bucket + ", path-style: true, access-key-file: " + dir.resolve("access") + ", secret-key-file: "
                + dir.resolve("secret") + "}\n    mappings:\n      - {user: alice, as: alice}\n      - {user: carol, as: carol}\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = dev.linkvault.cli.Main.run(new String[] {"-c", yaml.toString(), "nextcloud", "check"},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertEquals(1, code, out + "\n" + err);
        assertTrue(out.toString().contains("  mapping alice: ") && out.toString().contains(": 1 without an object, 0 with another"
                + " size than the object's, 1 uploads older than a day, 0 encrypted"), out.toString());
        assertTrue(out.toString().contains("    files/restored.txt: the row says 7 bytes, the object urn:oid:"), out.toString());
        assertTrue(out.toString().contains("  total: 1 rows without an object, 1 size mismatches, 1 orphan objects (13 B), 1 stale"
                + " uploads, 1 encrypted rows"), out.toString());
        java.io.StringWriter pre = new java.io.StringWriter();
        java.io.StringWriter preErr = new java.io.StringWriter();
        dev.linkvault.cli.Main.run(new String[] {"-c", yaml.toString(), "preflight"}, new java.io.PrintWriter(pre, true),
                new java.io.PrintWriter(preErr, true));
        assertTrue(pre.toString().contains("  warning    carol: 1 files (") && pre.toString().contains("are encrypted by"
                + " Nextcloud's server-side encryption"), "preflight reports encrypted rows: " + pre + preErr);
    }

    @Test
    void entriesComeDepthFirstFoldersFirstEvenForAFileMovedIntoANewerFolder() throws Exception {
        assertTrue(fixture.movedFileId > 0);
        snapshot("s1", aliceAndBob());
        List<String> paths = manifestPaths("s1");
        assertTrue(paths.indexOf("alice/Tax: 2024") < paths.indexOf("alice/Tax: 2024/receipt.txt"), paths.toString());
        // depth-first: a folder's contents come together, right after it
        int docs = paths.indexOf("alice/Docs");
        assertEquals(List.of("alice/Docs/report 2024.txt", "alice/Docs/ünïcödé 漢字.txt"), paths.subList(docs + 1, docs + 3));
        assertEquals("receipt", Files.readString(dir.resolve("vault/snapshots/s1/alice/Tax: 2024/receipt.txt")));
    }

    @Test
    void includeAndIgnoreBehaveAsForALocalFolder() throws Exception {
        SourceConfig.Mapping onlyDocs = new SourceConfig.Mapping("alice", null, "files/", "alice", List.of(), List.of(),
                List.of("Docs/"), List.of());
        snapshot("inc", config("oc_", bucket, List.of(onlyDocs)));
        assertEquals(List.of("alice", "alice/Docs", "alice/Docs/report 2024.txt", "alice/Docs/ünïcödé 漢字.txt"),
                manifestPaths("inc"), "no empty folders outside the include");

        SourceConfig.Mapping noDocs = new SourceConfig.Mapping("alice", null, "files/", "alice", List.of(), List.of(),
                List.of(), List.of("Docs$"));
        snapshot("ign", config("oc_", bucket, List.of(noDocs)));
        List<String> paths = manifestPaths("ign");
        assertTrue(paths.stream().noneMatch(p -> p.startsWith("alice/Docs")), "the folder goes with all in it: " + paths);
        assertTrue(paths.contains("alice/a_b/in.txt"), paths.toString());
    }

    @Test
    void orphanObjectsAreListedAndNothingElse() throws Exception {
        List<String> orphans = new ArrayList<>();
        try (NextcloudSource source = new NextcloudSource(aliceAndBob(), () -> S3Clients.create(aliceAndBob().s3(), 2))) {
            source.reportOrphans(orphans::add);
        }
        assertEquals(1, orphans.size(), orphans.toString());
        assertTrue(orphans.get(0).startsWith("orphan object urn:oid:999999 in bucket " + bucket + " (13 bytes"),
                orphans.toString());
    }

    private void assertTreeHoldsEveryFileAndEveryBlobIsIntact(String snapshot) throws Exception {
        Path tree = dir.resolve("vault/snapshots").resolve(snapshot);
        for (Map.Entry<String, String> e : fixture.alice.entrySet()) {
            assertEquals(e.getValue(), Files.readString(tree.resolve("alice").resolve(e.getKey())), e.getKey());
        }
        for (Path blob : dev.linkvault.Fixtures.files(dir.resolve("vault/.data/sha1"))) {
            assertEquals(blob.getParent().getFileName().toString() + blob.getFileName(), dev.linkvault.Fixtures.sha1(blob));
        }
    }

    @Test
    void serverErrorsDamagedBytesAndCutConnectionsAreTriedAgainAndNothingDamagedIsStored() throws Exception {
        bucketSideOnly();
        wire.answer503(2);
        wire.corruptBodies(1);
        wire.cutBodies(1);
        Snapshotter.Result r = snapshot("s1", aliceAndBob());
        assertEquals(1, r.summary().errors(), "only the missing object: " + problems);
        assertTreeHoldsEveryFileAndEveryBlobIsIntact("s1");
        assertEquals(fixture.alice.size() + fixture.bob.size() - 1 + 1 + 4, wire.count("GET object"),
                "each fault cost one more GET: " + wire);
    }

    @Test
    void aBrownOutShorterThanTheRetriesCostsNoFile() throws Exception {
        bucketSideOnly();
        wire.outage(1000);
        Snapshotter.Result r = snapshot("s1", aliceAndBob(), NextcloudSource.LIST_AFTER_UNKNOWN_ROWS, QUICK);
        assertEquals(1, r.summary().errors(), "only the object that is really gone: " + problems);
        assertTreeHoldsEveryFileAndEveryBlobIsIntact("s1");
        assertTrue(wire.count("GET object") > fixture.alice.size() + fixture.bob.size(), "503s were tried again: " + wire);
    }

    @Test
    void aStoreThatIsPlainlyDownStopsTheRunWithOneLineNotAnErrorPerFile() throws Exception {
        bucketSideOnly();
        wire.outage(Long.MAX_VALUE);
        UserError e = assertThrows(UserError.class,
                () -> snapshot("s1", aliceAndBob(), NextcloudSource.LIST_AFTER_UNKNOWN_ROWS, QUICK));
        assertTrue(e.getMessage().contains("has answered no request for") && e.getMessage().contains("run it again"),
                e.getMessage());
        assertTrue(problems.stream().filter(p -> p.startsWith("ERROR")).count() <= 4, "at most one per worker: " + problems);
        assertFalse(Files.exists(dir.resolve("vault/snapshots/s1")), "nothing published");
    }

    @Test
    void anObjectThatTricklesIsCutAndTriedAgainWhileTheOthersGoOn() throws Exception {
        bucketSideOnly();
        wire.trickle("urn:oid:" + fixture.movedFileId, 1, 400); // "receipt": 7 bytes, one every 0.4 s
        long start = System.nanoTime();
        Snapshotter.Result r = snapshot("s1", aliceAndBob(), NextcloudSource.LIST_AFTER_UNKNOWN_ROWS, QUICK);
        assertEquals(1, r.summary().errors(), "only the object that is really gone: " + problems);
        assertEquals("receipt", Files.readString(dir.resolve("vault/snapshots/s1/alice/Tax: 2024/receipt.txt")));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000, "cut after its window, not after the trickle");
        assertEquals(fixture.alice.size() + fixture.bob.size() + 1, wire.count("GET object"),
                "one GET per file but the empty one, one for the missing object, one more for the cut one: " + wire);

        wire.reset();
        wire.trickle("urn:oid:" + fixture.movedFileId, 100, 400);
        Files.delete(dir.resolve("vault/.linkvault/catalog.sqlite"));
        repo.close();
        Repository.deleteTree(dir.resolve("vault"));
        Repository.init(dir.resolve("vault"));
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        problems.clear();
        Snapshotter.Result again = snapshot("s2", aliceAndBob(), NextcloudSource.LIST_AFTER_UNKNOWN_ROWS, QUICK);
        assertEquals(2, again.summary().errors(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("ERROR alice/Tax: 2024/receipt.txt") && p.contains("too slow")
                && p.contains("tried 3 times")), problems.toString());
        assertEquals(fixture.alice.get("Docs/report 2024.txt"),
                Files.readString(dir.resolve("vault/snapshots/s2/alice/Docs/report 2024.txt")), "the others went on");
    }

    @Test
    void aDownloadDamagedEveryTimeIsAPerFileErrorAndNothingDamagedIsStored() throws Exception {
        bucketSideOnly();
        wire.corruptBodies(1000);
        Snapshotter.Result r = snapshot("s1", config("oc_", bucket, List.of(user("bob", "files/", "bob"))));
        assertEquals(2, r.summary().errors(), problems.toString());
        assertTrue(problems.stream().allMatch(p -> p.contains("damaged in transit") && p.contains("tried 3 times")),
                problems.toString());
        assertEquals(List.of(), dev.linkvault.Fixtures.files(dir.resolve("vault/.data/sha1")));
    }

    @Test
    void aFirstSnapshotIntoAnEmptyRepositoryDoesNotListTheBucket() throws Exception {
        bucketSideOnly();
        // No ETag alias is stored yet, so a listing could not save a single GET.
        Snapshotter.Result r = snapshot("s1", aliceAndBob(), 0);
        assertEquals(0, wire.count("GET bucket"), "no listing: " + wire);
        assertEquals(r.summary().files() - 1 + 1, wire.count("GET object"),
                "one GET per file but the empty one, and one for the missing object: " + wire);
    }

    @Test
    void withTheCatalogLostStoredContentIsFoundByItsEtagAliasWithoutDownloadingIt() throws Exception {
        bucketSideOnly();
        snapshot("s1", aliceAndBob());
        Path alias = dir.resolve("vault/.data/etag").resolve(NextcloudFixture.md5("the report").substring(0, 2))
                .resolve(NextcloudFixture.md5("the report").substring(2));
        assertEquals(dev.linkvault.Fixtures.inode(dir.resolve("vault/snapshots/s1/alice/Docs/report 2024.txt")),
                dev.linkvault.Fixtures.inode(alias), "each download leaves an alias: a link named by its ETag");
        repo.close();
        Files.delete(dir.resolve("vault/.linkvault/catalog.sqlite"));
        Files.deleteIfExists(dir.resolve("vault/.linkvault/catalog.sqlite-wal"));
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        wire.reset();
        Snapshotter.Result r = snapshot("s2", aliceAndBob(), 0);
        assertEquals(0, r.summary().filesRead(), problems.toString());
        assertEquals(1, wire.count("GET object"), "only the missing object is tried: " + wire);
        assertEquals(1, wire.count("GET bucket"), "one listing of the bucket (under 1,000 objects): " + wire);
        assertTreeHoldsEveryFileAndEveryBlobIsIntact("s2");
        wire.reset();
        assertEquals(0, snapshot("s3", aliceAndBob(), 0).summary().filesRead());
        assertEquals(1, wire.count("GET object"), "and the catalog knows them all again: " + wire);
    }

    @Test
    void withTrustChecksumARowTheCatalogDoesNotKnowIsLinkedByItsChecksumWithoutARequest() throws Exception {
        snapshot("s1", aliceAndBob());
        repo.close();
        Files.delete(dir.resolve("vault/.linkvault/catalog.sqlite"));
        Files.deleteIfExists(dir.resolve("vault/.linkvault/catalog.sqlite-wal"));
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        SourceConfig.Nextcloud base = aliceAndBob();
        SourceConfig.Nextcloud trusting = new SourceConfig.Nextcloud(base.name(), base.database(), base.s3(),
                base.mappings(), true);
        wire.reset();
        Snapshotter.Result r = snapshot("s2", trusting);
        long getsWithTrust = wire.count("GET object");
        assertEquals("jpeg bytes", Files.readString(dir.resolve("vault/snapshots/s2/alice/right-sum.jpg")));
        assertEquals("edited later", Files.readString(dir.resolve("vault/snapshots/s2/alice/stale-sum.bin")),
                "a stale checksum names no stored blob here, so the row is downloaded");

        repo.close();
        Files.delete(dir.resolve("vault/.linkvault/catalog.sqlite"));
        Files.deleteIfExists(dir.resolve("vault/.linkvault/catalog.sqlite-wal"));
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        wire.reset();
        snapshot("s3", base);
        assertEquals(wire.count("GET object") - 1, getsWithTrust,
                "by default the checksum column is never trusted: one GET more, for right-sum.jpg: " + wire);
        assertEquals(r.summary().files(), fixture.alice.size() + fixture.bob.size());
    }

    @Test
    void aMultipartObjectIsStoredAndAliasedByItsPartsEtag() throws Exception {
        bucketSideOnly();
        byte[] big = new byte[11 * 1024 * 1024];
        new java.util.Random(3).nextBytes(big);
        long id;
        try (Connection c = DriverManager.getConnection(dbUrl())) {
            id = NextcloudFixture.row(c, 1, "files/big.bin", 2, big.length, 1600000500, null);
        }
        String key = "urn:oid:" + id;
        String upload = direct.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new ArrayList<>();
        int partSize = 5 * 1024 * 1024; // the AWS CLI's size: 3 parts, which only 5 MiB of the common sizes fits
        for (int n = 1, off = 0; off < big.length; n++, off += partSize) {
            int len = Math.min(partSize, big.length - off);
            int num = n;
            byte[] chunk = java.util.Arrays.copyOfRange(big, off, off + len);
            String etag = direct.uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(num),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(chunk)).eTag();
            parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(num).eTag(etag).build());
        }
        String etag = direct.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload)
                .multipartUpload(m -> m.parts(parts))).eTag().replace("\"", "");
        assertTrue(etag.endsWith("-3"), "a multipart ETag: " + etag);
        snapshot("s1", aliceAndBob());
        assertTrue(java.util.Arrays.equals(big, Files.readAllBytes(dir.resolve("vault/snapshots/s1/alice/big.bin"))));
        Path alias = dir.resolve("vault/.data/etag").resolve(etag.substring(0, 2)).resolve(etag.substring(2));
        assertEquals(dev.linkvault.Fixtures.inode(dir.resolve("vault/snapshots/s1/alice/big.bin")),
                dev.linkvault.Fixtures.inode(alias));

        // A byte flipped inside a multipart body is caught by the parts' MD5s: tried again, never stored.
        Repository.deleteTree(dir.resolve("vault/snapshots/s1"));
        repo.close();
        Files.delete(dir.resolve("vault/.linkvault/catalog.sqlite"));
        Repository.deleteTree(dir.resolve("vault/.data/etag"));
        Files.createDirectories(dir.resolve("vault/.data/etag"));
        for (Path blob : dev.linkvault.Fixtures.files(dir.resolve("vault/.data/sha1"))) {
            Files.delete(blob);
        }
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        problems.clear();
        wire.reset();
        wire.corruptBodies(100);
        snapshot("s2", aliceAndBob()); // every body damaged: every file an error
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("ERROR alice/big.bin") && p.contains("damaged in transit")
                && p.contains(etag + ")") && p.contains("tried 3 times")), problems.toString());
        assertEquals(0, dev.linkvault.Fixtures.files(dir.resolve("vault/.data/sha1")).size(), "nothing damaged stored");
    }

    @Test
    void withMultibucketEachUserIsReadFromTheBucketNextcloudRecordedForThem() throws Exception {
        String userBucket = bucket + "x7";
        direct.createBucket(b -> b.bucket(userBucket));
        long id;
        try (Connection c = DriverManager.getConnection(dbUrl())) {
            c.createStatement().execute("INSERT INTO oc_preferences(userid, appid, configkey, configvalue) VALUES"
                    + " ('bob', 'homeobjectstore', 'bucket', '" + userBucket + "')");
            id = NextcloudFixture.row(c, 2, "files/in-his-bucket.txt", 2, 3, 1600000600, null);
        }
        direct.putObject(b -> b.bucket(userBucket).key("urn:oid:" + id),
                software.amazon.awssdk.core.sync.RequestBody.fromString("his"));
        SourceConfig.Nextcloud base = config("oc_", bucket, List.of(user("bob", "files/", "bob")));
        SourceConfig.S3 s = base.s3();
        SourceConfig.Nextcloud multi = new SourceConfig.Nextcloud("nc", base.database(), new SourceConfig.S3(s.endpoint(),
                s.region(), s.bucket(), s.pathStyle(), s.accessKey(), s.secretKey(), s.objectPrefix(), true, 64,
                s.sseCKey()), base.mappings());
        Snapshotter.Result r = snapshot("s1", multi);
        assertEquals("his", Files.readString(dir.resolve("vault/snapshots/s1/bob/in-his-bucket.txt")));
        assertEquals(2, r.summary().errors(), "bob's other objects are in the base bucket, not his: " + problems);
    }

    @Test
    void anSseCBucketIsReadWithItsKeyOnEveryGet() throws Exception {
        bucketSideOnly();
        String sseBucket = bucket + "c";
        direct.createBucket(b -> b.bucket(sseBucket));
        byte[] key = new byte[32];
        new java.util.Random(5).nextBytes(key);
        String k = java.util.Base64.getEncoder().encodeToString(key);
        String md5 = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(key));
        Files.writeString(dir.resolve("sse-c-key"), k + "\n");
        try (Connection c = DriverManager.getConnection(dbUrl());
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT fileid, path FROM oc_filecache WHERE storage = 2 AND path LIKE 'files/%'")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                String content = fixture.bob.get(rs.getString(2).substring("files/".length()));
                direct.putObject(b -> b.bucket(sseBucket).key("urn:oid:" + id).sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(k).sseCustomerKeyMD5(md5),
                        software.amazon.awssdk.core.sync.RequestBody.fromString(content));
            }
        }
        SourceConfig.Nextcloud base = config("oc_", sseBucket, List.of(user("bob", "files/", "bob")));
        SourceConfig.S3 s = base.s3();
        SourceConfig.Nextcloud withKey = new SourceConfig.Nextcloud("nc", base.database(), new SourceConfig.S3(
                s.endpoint(), s.region(), s.bucket(), s.pathStyle(), s.accessKey(), s.secretKey(), s.objectPrefix(), false,
                64, new SourceConfig.Secret(null, dir.resolve("sse-c-key"))), base.mappings());
        Snapshotter.Result r = snapshot("s1", withKey);
        assertEquals(0, r.summary().errors(), problems.toString());
        for (Map.Entry<String, String> e : fixture.bob.entrySet()) {
            assertEquals(e.getValue(), Files.readString(dir.resolve("vault/snapshots/s1/bob").resolve(e.getKey())));
        }
        problems.clear();
        Snapshotter.Result without = snapshot("s2", base);
        assertEquals(0, without.summary().errors(), "unchanged rows need no GET, so no key either: " + problems);
    }

    @Test
    void aMissingOrMalformedSseCKeyIsOneClearErrorBeforeAnythingIsWritten() throws Exception {
        bucketSideOnly();
        SourceConfig.Nextcloud base = aliceAndBob();
        SourceConfig.S3 s = base.s3();
        Files.writeString(dir.resolve("bad-key"), "not base64 of 32 bytes\n");
        String[][] cases = {{"no-such-key-file", "cannot read " + dir.resolve("no-such-key-file") + " (the SSE-C key): no such file"},
            {"bad-key", "the SSE-C key of source 'nc' is not 32 bytes in base64"}};
        for (String[] c : cases) {
            SourceConfig.Nextcloud cfg = new SourceConfig.Nextcloud("nc", base.database(), new SourceConfig.S3(
                    s.endpoint(), s.region(), s.bucket(), s.pathStyle(), s.accessKey(), s.secretKey(), s.objectPrefix(),
                    false, 64, new SourceConfig.Secret(null, dir.resolve(c[0]))), base.mappings());
            wire.reset();
            UserError e = assertThrows(UserError.class, () -> snapshot("x", cfg));
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertEquals(0, wire.total(), "no request was made: " + wire);
            try (var list = Files.list(dir.resolve("vault/snapshots"))) {
                assertEquals(0, list.count(), "nothing was written");
            }
        }
    }

    @Test
    void wrongS3KeysAreOneClearError() throws Exception {
        bucketSideOnly();
        Files.writeString(dir.resolve("secret"), "not-the-secret");
        UserError e = assertThrows(UserError.class, () -> snapshot("x", aliceAndBob()));
        assertTrue(e.getMessage().contains("access to bucket '" + bucket + "' of source 'nc' is denied"), e.getMessage());
    }

    @Test
    void anUnchangedRerunMakesNoObjectRequestAtAll() throws Exception {
        snapshot("s1", aliceAndBob());
        wire.reset();
        Snapshotter.Result again = snapshot("s2", aliceAndBob());
        assertEquals(0, again.summary().filesRead());
        assertTrue(problems.stream().filter(p -> p.contains("stale")).count() == 1, "a stale checksum is reported once: "
                + problems);
        assertEquals(1, again.summary().errors());
        assertEquals(1, wire.count("GET object"), "only the row whose object is missing is tried again: " + wire);
        assertEquals(0, wire.count("HEAD object"), wire.toString());
        assertEquals(2, wire.total(), "and the bucket check: " + wire);
        assertEquals("the report", Files.readString(dir.resolve("vault/snapshots/s2/bob/same-as-alice.txt")));
    }

    @Test
    void aChangedRowIsDownloadedAgain() throws Exception {
        snapshot("s1", aliceAndBob());
        try (Connection c = DriverManager.getConnection(dbUrl())) {
            long id = NextcloudFixture.row(c, 1, "files/new.txt", 2, 3, 1600000200, null);
            direct.putObject(b -> b.bucket(bucket).key("urn:oid:" + id),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("new"));
        }
        wire.reset();
        Snapshotter.Result r = snapshot("s2", aliceAndBob());
        assertEquals(1, r.summary().filesRead(), "only the new file");
        assertEquals(1, r.summary().errors(), "gone.txt is still missing");
        assertEquals("new", Files.readString(dir.resolve("vault/snapshots/s2/alice/new.txt")));
    }

    @Test
    void percentAndUnderscoreInAPrefixAreLiteral() throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl())) {
            long id = NextcloudFixture.row(c, 1, "files/axb/not-me.txt", 2, 6, 1600000300, null);
            direct.putObject(b -> b.bucket(bucket).key("urn:oid:" + id),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("not me"));
        }
        snapshot("s1", config("oc_", bucket, List.of(user("alice", "files/a_b/", "ab"))));
        Path tree = dir.resolve("vault/snapshots/s1/ab");
        assertEquals("in a_b", Files.readString(tree.resolve("in.txt")));
        try (var s = Files.list(tree)) {
            assertEquals(1, s.count(), "files/axb/ does not match the prefix files/a_b/");
        }
    }

    @Test
    void badSettingsAreOneClearErrorAndWriteNothing() throws Exception {
        String[][] cases = {
            {"wp_", bucket, "alice", "has no table wp_filecache; set database.table-prefix"},
            {"oc_", bucket, "mallory", "user 'mallory' (mapping 'm') has no storage"},
            {"oc_", "no-such-bucket", "alice", "bucket 'no-such-bucket' of source 'nc' does not exist"},
        };
        for (String[] c : cases) {
            SourceConfig.Nextcloud cfg = config(c[0], c[1], List.of(user(c[2], "files/", "m")));
            UserError e = assertThrows(UserError.class, () -> snapshot("x", cfg));
            assertTrue(e.getMessage().contains(c[3]), e.getMessage());
        }
        SourceConfig.Nextcloud unreachable = new SourceConfig.Nextcloud("nc", new SourceConfig.Database(
                "jdbc:postgresql://127.0.0.1:1/nextcloud", "backup", SourceConfig.Secret.NONE, "oc_"),
                s3Config("http://127.0.0.1:" + wire.port(), bucket, dir), List.of(user("alice", "files/", "a")));
        UserError e = assertThrows(UserError.class, () -> snapshot("x", unreachable));
        assertTrue(e.getMessage().contains("cannot connect to the Nextcloud database jdbc:postgresql://127.0.0.1:1"),
                e.getMessage());
        try (var s = Files.list(dir.resolve("vault/snapshots"))) {
            assertEquals(0, s.count(), "nothing was written");
        }
    }
}
