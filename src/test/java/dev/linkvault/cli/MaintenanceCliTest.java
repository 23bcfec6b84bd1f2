package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.Fixtures;
import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forget, gc, verify, stats, reindex and init --adopt through the command line. */
class MaintenanceCliTest {
    @TempDir
    Path dir;
    Path vault;
    Path config;

    @BeforeEach
    void setUp() throws IOException {
        vault = dir.resolve("vault");
        config = dir.resolve("vault.yaml");
        Fixtures.write(dir, "src/a.txt", "alpha");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: src}\n"
                + "retention:\n  keep-last: 1\n");
    }

    private static Cli lv(String... args) {
        return Cli.run(args);
    }

    @Test
    void forgetShowsItsPlanKeepsWhatTheConfigSaysAndGcFreesTheSpace() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Fixtures.write(dir, "src/a.txt", "alpha, edited");
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s2").code());

        Cli dry = lv("-c", config.toString(), "forget", "--dry-run");
        assertEquals(0, dry.code(), dry.toString());
        assertTrue(dry.out().contains("keep    s2") && dry.out().contains("last #1"), dry.out());
        assertTrue(dry.out().contains("remove  s1"), dry.out());
        assertTrue(Files.exists(vault.resolve("snapshots/s1")));

        Cli forget = lv("-c", config.toString(), "forget", "--prune");
        assertEquals(0, forget.code(), forget.toString());
        assertFalse(Files.exists(vault.resolve("snapshots/s1")));
        assertTrue(forget.out().contains("1 removed") && forget.out().contains("5 B freed"), forget.out());

        Cli none = lv("--repo", vault.toString(), "forget");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no retention policy"), none.err());
        Cli bad = lv("--repo", vault.toString(), "forget", "--keep-within", "3 weeks");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("not a duration"), bad.err());
    }

    @Test
    void everyJsonOutputIsSnakeCaseAndAFatalErrorUnderJsonIsAJsonObject() throws IOException {
        ObjectMapper m = new ObjectMapper();
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Fixtures.write(dir, "src/a.txt", "alpha, edited");
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s2").code());

        String[] ls = lv("-c", config.toString(), "ls", "-r", "s1", "--json").out().strip().split("\n");
        JsonNode file = m.readTree(ls[1]);
        assertEquals("file", file.get("type").asText());
        assertEquals("docs/a.txt", file.get("path").asText());
        assertEquals(5, file.get("size").asLong());
        assertEquals(org.apache.commons.codec.digest.DigestUtils.sha1Hex("alpha"), file.get("sha1").asText());
        assertEquals("dir", m.readTree(ls[0]).get("type").asText());

        JsonNode found = m.readTree(lv("-c", config.toString(), "find", "*.txt", "--json").out());
        assertEquals("[\"s1\",\"s2\"]", found.get("snapshots").toString());

        JsonNode verify = m.readTree(lv("-c", config.toString(), "verify", "--json").out());
        assertEquals(0, verify.get("problem_count").asInt());
        assertEquals(2, verify.get("snapshots_checked").asInt());

        JsonNode forget = m.readTree(lv("-c", config.toString(), "forget", "--prune", "--json").out());
        assertEquals(1, forget.get("removed").asInt());
        assertEquals("remove", forget.get("snapshots").get(1).get("action").asText(), forget.toString());
        assertEquals(1, forget.get("gc").get("blobs_removed").asInt());
        assertEquals(5, forget.get("gc").get("bytes_freed").asInt());

        JsonNode gc = m.readTree(lv("-c", config.toString(), "gc", "--dry-run", "--json").out());
        assertTrue(gc.get("dry_run").asBoolean());
        assertEquals(0, gc.get("files").size());
        JsonNode stats = m.readTree(lv("-c", config.toString(), "stats", "--json").out());
        assertTrue(stats.has("stored_bytes") && stats.has("dedup_ratio"), stats.toString());

        Cli missing = lv("-c", config.toString(), "ls", "nosuch", "--json");
        assertEquals(2, missing.code());
        JsonNode error = m.readTree(missing.out());
        assertEquals(2, error.get("exit_code").asInt());
        assertTrue(error.get("error").asText().startsWith("no snapshot named 'nosuch'"), error.toString());
        assertTrue(missing.err().startsWith("linkvault: no snapshot named 'nosuch'"), "and the line on stderr: " + missing);
    }

    @Test
    void gcWaitsForNoOneAndIsRefusedWhileAWriterHoldsTheLock() throws IOException {
        lv("init", vault.toString());
        try (Repository held = Repository.openForWriting(vault, "linkvault snapshot", true)) {
            Cli gc = lv("--repo", vault.toString(), "gc");
            assertEquals(3, gc.code(), gc.toString());
            assertTrue(gc.err().contains("linkvault snapshot"), gc.err());
        }
        Cli gc = lv("--repo", vault.toString(), "gc", "--dry-run");
        assertEquals(0, gc.code(), gc.toString());
        assertTrue(gc.out().startsWith("gc dry run: 0 blobs scanned"), gc.out());
    }

    @Test
    void aDryRunChangesNothingAnywhereNotEvenTheLeftoversOfInterruptedRuns() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Path leftover = Fixtures.write(vault, ".data/tmp/put-123.tmp", "half a download");
        Path trash = Fixtures.write(vault, ".data/tmp/forget-s0-99/docs/a.txt", "a forgotten tree").getParent();
        // a manifest whose tree was not renamed yet: a real writer rolls it forward
        Files.move(vault.resolve("snapshots/s1"), vault.resolve("snapshots/s1.partial"));
        for (String[] cmd : new String[][] {{"gc", "--dry-run"}, {"forget", "--dry-run"}}) {
            Cli dry = lv(java.util.stream.Stream.concat(java.util.stream.Stream.of("-c", config.toString()),
                    java.util.stream.Stream.of(cmd)).toArray(String[]::new));
            assertEquals(0, dry.code(), dry.toString());
            assertTrue(Files.exists(leftover) && Files.exists(trash), String.join(" ", cmd) + " removed leftovers");
            assertTrue(Files.isDirectory(vault.resolve("snapshots/s1.partial")), String.join(" ", cmd) + " rolled forward");
        }
        Cli dry = lv("-c", config.toString(), "gc", "--dry-run");
        assertTrue(dry.out().contains("2 leftovers of interrupted runs would be removed"), dry.out());
        Cli gc = lv("-c", config.toString(), "gc");
        assertTrue(gc.out().contains("2 leftovers of interrupted runs removed"), gc.out());
        assertFalse(Files.exists(leftover) || Files.exists(trash));
        assertTrue(Files.isDirectory(vault.resolve("snapshots/s1")));
    }

    @Test
    void aDamagedBlobIsQuarantinedReadAgainByTheNextSnapshotAndRepairMendsTheOldSnapshot() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Path blob = Fixtures.files(vault.resolve(".data/sha1")).get(0);
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] b = Files.readAllBytes(blob);
        b[0] ^= 1;
        Files.write(blob, b);
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("r--r--r--"));

        Cli v = lv("--repo", vault.toString(), "verify");
        assertEquals(1, v.code(), v.toString());
        assertTrue(v.out().contains("content does not match its name"), v.out());
        assertTrue(v.out().contains("quarantine: 1 damaged blobs moved to"), v.out());
        assertFalse(Files.exists(blob), "the damaged blob left the store");
        try (var q = Files.list(vault.resolve(".data/quarantine"))) {
            assertEquals(1, q.count());
        }

        Cli snap = lv("-c", config.toString(), "snapshot", "--name", "s2", "--json");
        assertEquals(0, snap.code(), snap.toString());
        assertEquals(1, new ObjectMapper().readTree(snap.out()).get("files_read").asLong(), "read again from the source");
        assertEquals("alpha", Files.readString(blob), "stored again, good, under its name");
        assertEquals("alpha", Files.readString(vault.resolve("snapshots/s2/docs/a.txt")));

        Cli still = lv("--repo", vault.toString(), "verify");
        assertEquals(1, still.code(), "s1 still holds the damaged inode: " + still);
        assertTrue(still.out().contains("s1:docs/a.txt: is not a link to its blob"), still.out());
        Cli repair = lv("--repo", vault.toString(), "verify", "--repair");
        assertTrue(repair.out().contains("repair: 1 paths relinked"), repair.toString());
        Cli clean = lv("--repo", vault.toString(), "verify");
        assertEquals(0, clean.code(), clean.toString());
        assertEquals("alpha", Files.readString(vault.resolve("snapshots/s1/docs/a.txt")));
    }

    @Test
    void aDamagedManifestIsTheProblemOfItsSnapshotAndNotOfTheRepository() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Fixtures.write(dir, "src/b.txt", "bravo");
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s2").code());
        Path m = vault.resolve(".linkvault/manifests/s1.tsv.gz");
        byte[] b = Files.readAllBytes(m);
        Files.write(m, java.util.Arrays.copyOf(b, b.length / 2)); // cut short: "Unexpected end of ZLIB input stream"

        Cli list = lv("--repo", vault.toString(), "snapshots");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("s1 ") && l.contains("damaged")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("s2 ") && l.contains("complete")), list.out());

        Cli v = lv("--repo", vault.toString(), "verify");
        assertEquals(1, v.code(), v.toString());
        assertTrue(v.out().contains("problem: s1: manifest is damaged"), v.out());
        assertTrue(v.out().contains("2 snapshots"), "verify went on with s2: " + v.out());
        assertFalse(v.out().contains("problem: s2"), v.out());

        Cli restore = lv("--repo", vault.toString(), "restore", "s1", "--to", dir.resolve("out").toString());
        assertEquals(2, restore.code(), restore.toString());
        assertTrue(restore.err().contains("snapshot s1 is damaged") && restore.err().contains("still there to copy from"),
                restore.err());
        assertEquals(0, lv("--repo", vault.toString(), "restore", "s2", "--to", dir.resolve("out2").toString()).code());
    }

    @Test
    void verifyReportsFilesAddedToATreeByHandAndBlobsThatAreNoLongerReadOnly() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Fixtures.write(vault, "snapshots/s1/docs/planted.txt", "not from any source");
        Path blob = Fixtures.files(vault.resolve(".data/sha1")).get(0);
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        Cli v = lv("--repo", vault.toString(), "verify");
        assertEquals(1, v.code(), v.toString());
        assertTrue(v.out().contains("problem: s1:docs/planted.txt: is in the snapshot tree but not in its manifest"), v.out());
        assertTrue(v.out().contains("blob is writable (mode 0644)"), v.out());
        assertEquals(2, v.out().lines().filter(l -> l.startsWith("problem:")).count(), v.out());
    }

    @Test
    void verifyExitsWithOneAndNamesTheDamageStatsAndReindexReport() throws IOException {
        lv("init", vault.toString());
        lv("-c", config.toString(), "snapshot", "--name", "s1");
        assertEquals(0, lv("--repo", vault.toString(), "verify").code());
        Path tree = vault.resolve("snapshots/s1/docs/a.txt");
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(tree, "ALPHA");
        Cli v = lv("--repo", vault.toString(), "verify", "--subset", "100%");
        assertEquals(1, v.code(), v.toString());
        assertTrue(v.out().contains("problem: s1:docs/a.txt: uses blob"), v.out());
        assertEquals(2, lv("--repo", vault.toString(), "verify", "--subset", "8/7").code());

        JsonNode stats = new ObjectMapper().readTree(lv("--repo", vault.toString(), "stats", "--json").out());
        assertEquals(0, stats.get("blobs").asLong(), "the damaged blob was quarantined by verify");
        assertEquals(5, stats.get("logical_bytes").asLong());
        Cli re = lv("--repo", vault.toString(), "reindex");
        assertEquals(0, re.code(), re.toString());
        assertTrue(re.out().contains("1 complete snapshots"), re.out());
    }

    @Test
    void reindexGivesAManifestOfAnOlderVersionItsIndexAndLsReadsTheSameEitherWay() throws Exception {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        String before = lv("--repo", vault.toString(), "ls", "-r", "s1").out();
        // as an earlier version wrote it: one gzip member, no index
        Path m = vault.resolve(".linkvault/manifests/s1.tsv.gz");
        byte[] plain;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(m))) {
            plain = in.readAllBytes();
        }
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(m))) {
            out.write(plain);
        }
        Files.delete(vault.resolve(".linkvault/manifests/s1.tsv.gz.idx"));
        assertEquals(before, lv("--repo", vault.toString(), "ls", "-r", "s1").out(), "read whole without an index");
        Cli re = lv("--repo", vault.toString(), "reindex");
        assertEquals(0, re.code(), re.toString());
        assertTrue(re.out().contains("1 manifests of an older version given an index"), re.out());
        assertTrue(Files.exists(vault.resolve(".linkvault/manifests/s1.tsv.gz.idx")));
        assertEquals(before, lv("--repo", vault.toString(), "ls", "-r", "s1").out());
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(m))) {
            assertArrayEquals(plain, in.readAllBytes(), "the same lines");
        }
        assertEquals(0, lv("--repo", vault.toString(), "verify").code());
        assertFalse(lv("--repo", vault.toString(), "reindex").out().contains("given an index"), "once is enough");
    }

    /** Lays out a repository exactly as nextcloud-s3-backup leaves one: blobs, ETag links, dated trees of links. */
    private Map<String, Object> pythonToolRepository() throws IOException {
        Map<String, Object> inodes = new HashMap<>();
        String[][] blobs = {{"hello\n", "f572d396fae9206628714fb2ce00f72e94f2258f"}, {"world\n", "9591818c07e900db7e1e0bc4b884c945e6a61b24"}};
        for (String[] b : blobs) {
            Path p = vault.resolve(".data/sha1").resolve(b[1].substring(0, 2)).resolve(b[1].substring(2));
            Files.createDirectories(p.getParent());
            Files.writeString(p, b[0]);
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2025-05-05T05:05:05Z")));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
            inodes.put(b[1], Fixtures.inode(p));
        }
        Path hello = vault.resolve(".data/sha1/f5/72d396fae9206628714fb2ce00f72e94f2258f");
        Path world = vault.resolve(".data/sha1/95/91818c07e900db7e1e0bc4b884c945e6a61b24");
        Files.createDirectories(vault.resolve(".data/etag/b1"));
        Files.createLink(vault.resolve(".data/etag/b1/946ac92492d2347c6235b4d2611184"), hello);
        for (String day : new String[] {"2025-05-05", "2025-05-06"}) {
            Path t = vault.resolve("snapshots").resolve(day).resolve("alice");
            Files.createDirectories(t.resolve("docs"));
            Files.createLink(t.resolve("docs/hello.txt"), hello);
            Files.createLink(t.resolve("world.txt"), world);
            Files.writeString(t.resolve("empty.txt"), "");
        }
        // One file that is a plain copy rather than a link (a tool interrupted at the wrong time).
        Files.writeString(vault.resolve("snapshots/2025-05-06/alice/docs/copy.txt"), "hello\n");
        return inodes;
    }

    @Test
    void anAdoptionInterruptedBetweenARelinkAndItsRenameLeavesNoStrayFileInTheSnapshot() throws IOException {
        pythonToolRepository();
        // what a crash right after the link and before the rename leaves beside the copy
        Path copy = vault.resolve("snapshots/2025-05-06/alice/docs/copy.txt");
        Path stray = copy.resolveSibling(".copy.txt.linkvault-adopt");
        Files.createLink(stray, vault.resolve(".data/sha1/f5/72d396fae9206628714fb2ce00f72e94f2258f"));
        Cli adopt = lv("init", "--adopt", vault.toString());
        assertEquals(0, adopt.code(), adopt.toString());
        assertFalse(Files.exists(stray), "the stray link is removed");
        Cli ls = lv("--repo", vault.toString(), "ls", "-r", "2025-05-06");
        assertFalse(ls.out().contains("linkvault-adopt"), ls.out());
        assertTrue(ls.out().contains("alice/docs/copy.txt"), ls.out());
        assertEquals(0, lv("--repo", vault.toString(), "verify").code());
    }

    @Test
    void adoptingANextcloudS3BackupRepositoryKeepsEveryBlobWhereItIsAndMakesItsSnapshotsComplete() throws IOException {
        Map<String, Object> inodes = pythonToolRepository();
        Cli refused = lv("init", vault.toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("init --adopt"), refused.err());
        Cli unmanaged = lv("init", "--adopt", vault.toString());
        assertEquals(0, unmanaged.code(), unmanaged.toString());
        assertTrue(unmanaged.out().contains("2 snapshots given manifests") && unmanaged.out().contains("1 copies"),
                unmanaged.out());

        JsonNode list = new ObjectMapper().readTree(lv("--repo", vault.toString(), "snapshots", "--json").out());
        assertEquals(2, list.size());
        for (JsonNode s : list) {
            assertEquals("complete", s.get("state").asText());
        }
        assertEquals(inodes.get("f572d396fae9206628714fb2ce00f72e94f2258f"),
                Fixtures.inode(vault.resolve(".data/sha1/f5/72d396fae9206628714fb2ce00f72e94f2258f")), "no blob moved");
        assertEquals(inodes.get("f572d396fae9206628714fb2ce00f72e94f2258f"),
                Fixtures.inode(vault.resolve("snapshots/2025-05-06/alice/docs/copy.txt")), "the copy is now a link");
        Cli ls = lv("--repo", vault.toString(), "ls", "-r", "2025-05-05");
        assertTrue(ls.out().contains("alice/docs/hello.txt") && ls.out().contains("alice/empty.txt"), ls.out());
        Cli verify = lv("--repo", vault.toString(), "verify");
        assertEquals(0, verify.code(), verify.toString());
        Path out = dir.resolve("out");
        assertEquals(0, lv("--repo", vault.toString(), "restore", "2025-05-05:alice/world.txt", "--to", out.toString()).code());
        assertEquals("world\n", Files.readString(out.resolve("world.txt")));

        // New snapshots deduplicate against the adopted blobs.
        Fixtures.write(dir, "src/again.txt", "world\n");
        Cli snap = lv("-c", config.toString(), "snapshot", "--json");
        assertEquals(0, snap.code(), snap.toString());
        JsonNode s = new ObjectMapper().readTree(snap.out());
        assertEquals(1, s.get("new_blobs").asLong(), "only 'alpha' is new; 'world' was adopted");
        assertEquals(0, lv("init", "--adopt", vault.toString()).code(), "adopting again is harmless");
    }
}
