package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.source.icloud.FakeIcloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `icloud login`, `icloud status` and snapshots of an iCloud source from the command line, against the fake service. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IcloudCliTest {
    static final String PASSWORD = "hunter2 but longer";
    @TempDir
    Path dir;
    FakeIcloud apple;
    Path vault;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        apple = new FakeIcloud("alice@example.com", PASSWORD);
        vault = dir.resolve("vault");
        config = dir.resolve("vault.yaml");
        Files.writeString(dir.resolve("icloud-password"), PASSWORD + "\n");
        Files.writeString(config, "repository: " + vault + "\nsources:\n"
                + "  - type: icloud\n    name: icloud\n    apple-id: alice@example.com\n"
                + "    password-file: icloud-password\n    session-dir: sessions\n"
                + "    endpoints: {auth: '" + apple.authEndpoint() + "', setup: '" + apple.setupEndpoint() + "'}\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
    }

    @AfterEach
    void stop() {
        apple.close();
    }

    @Test
    void loginOnceThenCronSnapshotsAndAnEndedTrustStopsTheRunWithOneLineAndNothingWritten() throws Exception {
        Cli before = Cli.run("-c", config.toString(), "icloud", "status", "--json");
        assertEquals(2, before.code(), before.toString());
        assertFalse(new ObjectMapper().readTree(before.out()).get("valid").asBoolean());

        Cli noCode = Cli.run("-c", config.toString(), "icloud", "login");
        assertEquals(2, noCode.code(), "not a terminal and no --code: the fix, not a wait: " + noCode);
        assertTrue(noCode.err().contains("--code"), noCode.err());

        Cli login = Cli.run("-c", config.toString(), "icloud", "login", "--code", apple.code);
        assertEquals(0, login.code(), login.toString());
        assertTrue(login.out().contains("logged in to iCloud as alice@example.com"), login.out());
        Cli again = Cli.run("-c", config.toString(), "icloud", "login");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("nothing changed"), again.out());

        Cli status = Cli.run("-c", config.toString(), "icloud", "status", "--json");
        assertEquals(0, status.code(), status.toString());
        JsonNode st = new ObjectMapper().readTree(status.out());
        assertTrue(st.get("valid").asBoolean());
        assertTrue(Instant.parse(st.get("trust_ends").asText()).isAfter(Instant.now().plus(Duration.ofDays(29))));

        Cli snap = Cli.run("-c", config.toString(), "snapshot", "--name", "s1");
        assertEquals(0, snap.code(), snap.toString());
        assertTrue(Files.exists(vault.resolve("snapshots/s1/icloud/pyiCloud/Test/Scanned document 1.pdf")));

        Cli pre = Cli.run("-c", config.toString(), "preflight");
        assertTrue(pre.out().contains("source       icloud (icloud)") && pre.out().contains("to read    0 files"), pre.toString());

        apple.killSessions();
        apple.advance(Duration.ofDays(31));
        int codes = apple.codesPushed.get();
        Cli cron = Cli.run("-c", config.toString(), "snapshot", "--name", "s2");
        assertEquals(2, cron.code(), cron.toString());
        List<String> lines = cron.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), cron.err());
        assertTrue(lines.get(0).endsWith("run: linkvault -c " + config + " icloud login"), lines.get(0));
        assertEquals(codes, apple.codesPushed.get(), "cron never makes Apple send a code");
        assertFalse(Files.exists(vault.resolve("snapshots/s2")));
        assertFalse(Files.exists(vault.resolve("snapshots/s2.partial")), "nothing written");
    }

    private long cataloged() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + vault.resolve(".linkvault/catalog.sqlite")
                + "?mode=ro");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM objects")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    @Test
    void aSnapshotKilledWithSigkillMidRunIsResumedWithoutDownloadingWhatWasStored() throws Exception {
        int files = 240;
        for (int d = 0; d < 8; d++) {
            String folder = apple.folder(FakeIcloud.ROOT, "folder " + d);
            for (int i = 0; i < files / 8; i++) {
                apple.file(folder, "file " + i, "bin", FakeIcloud.pseudoRandom(d + "/" + i, 20_000 + i),
                        Instant.parse("2025-01-01T00:00:00Z"));
            }
        }
        assertEquals(0, Cli.run("-c", config.toString(), "icloud", "login", "--code", apple.code).code());
        apple.slowMs = 25;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", dev.linkvault.ChildJvm.sqliteTmpdir(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "-c", config.toString(), "snapshot", "--name",
                "s1", "--workers", "1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.redirectOutput(dir.resolve("child.out").toFile());
        pb.redirectError(dir.resolve("child.err").toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (cataloged() < 60) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the child ended too soon: "
                    + Files.readString(dir.resolve("child.err")));
            Thread.sleep(20);
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long stored = cataloged();
        assertTrue(stored < files + 2, "stopped half-way");
        apple.slowMs = 0;
        int downloads = apple.downloads.get();

        Cli resumed = Cli.run("-c", config.toString(), "snapshot", "--name", "s1", "--json");
        assertEquals(0, resumed.code(), resumed.toString());
        JsonNode s = new ObjectMapper().readTree(resumed.out());
        assertTrue(s.get("resumed").asBoolean());
        assertEquals(files + 2, s.get("files").asLong(), "the 240 files and pyicloud's two PDFs");
        assertTrue(apple.downloads.get() - downloads <= files + 2 - stored,
                "what was stored before the kill is not downloaded again: " + (apple.downloads.get() - downloads)
                        + " downloads, " + stored + " stored before");
        Path tree = vault.resolve("snapshots/s1/icloud");
        for (int d = 0; d < 8; d++) {
            for (int i = 0; i < files / 8; i += 7) {
                assertTrue(Arrays.equals(FakeIcloud.pseudoRandom(d + "/" + i, 20_000 + i),
                        Files.readAllBytes(tree.resolve("folder " + d).resolve("file " + i + ".bin"))));
            }
        }
        assertFalse(Files.exists(vault.resolve("snapshots/s1.partial")));
    }
}
