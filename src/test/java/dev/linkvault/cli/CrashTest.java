package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.Fixtures;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot process killed or interrupted half-way, then run again: the real crash path. */
class CrashTest {
    private static final int FILES = 2000;
    /** The source, made once for all tests (it is only read): each test has a vault of its own. */
    @TempDir
    static Path shared;
    static Path src;
    @TempDir
    Path dir;
    Path vault;
    Path config;

    @BeforeAll
    static void makeSource() throws IOException {
        src = shared.resolve("src");
        Random r = new Random(7);
        for (int i = 0; i < FILES; i++) {
            byte[] b = new byte[8192 + r.nextInt(16384)];
            r.nextBytes(b);
            Path p = src.resolve("d" + (i / 100)).resolve("f" + i);
            Files.createDirectories(p.getParent());
            Files.write(p, b);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        vault = dir.resolve("vault");
        config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: " + src + "}\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
    }

    /** Starts `linkvault -c CONFIG snapshot --name s1` in a JVM of its own, one worker so it is not over too soon. */
    private Process child(String... jvm) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", dev.linkvault.ChildJvm.sqliteTmpdir()));
        cmd.addAll(List.of(jvm));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "-c", config.toString(), "snapshot", "--name", "s1", "--workers", "1"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.redirectOutput(dir.resolve("child.out").toFile());
        pb.redirectError(dir.resolve("child.err").toFile());
        return pb.start();
    }

    private long cataloged() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + vault.resolve(".linkvault/catalog.sqlite")
                + "?mode=ro");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM objects")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            return 0;
        }
    }

    /** Blobs named so far: they appear a group at a time, while the catalog commits on a clock. */
    private long published() {
        try (var w = Files.walk(vault.resolve(".data/sha1"))) {
            return w.filter(Files::isRegularFile).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static void await(BooleanSupplier condition, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the child ended or took too long before the point to stop it");
            }
            Thread.sleep(20);
        }
    }

    private void assertResumedRunCompletesWithEveryBlobIntact(long storedBefore, boolean expectStaleLockNote)
            throws IOException {
        JsonNode before = new ObjectMapper().readTree(Cli.run("--repo", vault.toString(), "snapshots", "--json").out());
        assertEquals("incomplete", before.get(0).get("state").asText(), "the stopped snapshot is never complete");
        assertFalse(Files.exists(vault.resolve(".linkvault/manifests/s1.tsv.gz")));

        Cli again = Cli.run("-c", config.toString(), "snapshot", "--name", "s1", "--json");
        assertEquals(0, again.code(), again.toString());
        assertEquals(expectStaleLockNote, again.err().contains("ended without releasing the lock"), again.err());
        JsonNode s = new ObjectMapper().readTree(again.out());
        assertTrue(s.get("resumed").asBoolean());
        assertEquals(FILES, s.get("files").asLong());
        assertTrue(s.get("files_read").asLong() <= FILES - storedBefore,
                "content cataloged before the stop is not read again: read " + s.get("files_read") + ", cataloged "
                        + storedBefore);
        for (Path blob : Fixtures.files(vault.resolve(".data/sha1"))) {
            String name = blob.getParent().getFileName().toString() + blob.getFileName();
            assertEquals(name, Fixtures.sha1(blob), "blob " + blob + " re-hashes to its name");
        }
        Path tree = vault.resolve("snapshots/s1/docs");
        for (Path f : Fixtures.files(src)) {
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(tree.resolve(src.relativize(f))), f.toString());
        }
        assertEquals(FILES, Fixtures.files(tree).size());
        assertFalse(Files.exists(vault.resolve("snapshots/s1.partial")));
        try (var t = Files.list(vault.resolve(".data/tmp"))) {
            assertEquals(0, t.count(), "no temp file is left");
        }
    }

    @Test
    void aSnapshotKilledWithSigkillIsResumedByTheNextRunWithoutReadingStoredContentAgain() throws Exception {
        Process p = child();
        await(() -> published() >= 300, p);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        long stored = cataloged();
        assertFalse(Files.exists(vault.resolve(".linkvault/manifests/s1.tsv.gz")), "the child was stopped half-way");
        assertTrue(published() < FILES, "the child was stopped half-way: " + published() + " blobs named");
        assertResumedRunCompletesWithEveryBlobIntact(stored, true);
    }

    @Test
    void aSnapshotEndedBetweenAGroupFlushAndTheNamingOfItsBlobsLeavesOnlyTempFilesAndIsResumed() throws Exception {
        // new blobs are made durable by one flush of the filesystem per group (up to 512, or what
        // 250 ms gathered), then named: the process ends right after the third flush, before any
        // blob of that group has its name
        Process p = child("-Dlinkvault.crash-after-flush=3");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), Files.readString(dir.resolve("child.err")));
        long staged = Fixtures.files(vault.resolve(".data/tmp")).stream()
                .filter(f -> f.getFileName().toString().startsWith("put-")).count();
        assertTrue(staged > 0, "the flushed group is still in .data/tmp, unnamed");
        long named = Fixtures.files(vault.resolve(".data/sha1")).size();
        assertTrue(named > 0 && named + staged <= FILES, "two groups were named before the end: " + named);
        for (Path blob : Fixtures.files(vault.resolve(".data/sha1"))) {
            String name = blob.getParent().getFileName().toString() + blob.getFileName();
            assertEquals(name, Fixtures.sha1(blob), "every named blob is whole");
        }
        assertResumedRunCompletesWithEveryBlobIntact(cataloged(), true);
    }

    @Test
    void ctrlCStopsASnapshotWithExitCode130AndTheNextRunFinishesIt() throws Exception {
        stopWithSignalThenResume("INT");
    }

    @Test
    void sigtermFromSystemdStopsASnapshotTheSameWay() throws Exception {
        stopWithSignalThenResume("TERM");
    }

    private void stopWithSignalThenResume(String signal) throws Exception {
        Process p = child();
        await(() -> published() >= 300, p);
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
        assertEquals(0, kill.waitFor());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("child.err"));
        assertEquals(130, p.exitValue(), err);
        assertTrue(err.contains("interrupted; run the same command again"), err);
        assertResumedRunCompletesWithEveryBlobIntact(cataloged(), false);
    }
}
