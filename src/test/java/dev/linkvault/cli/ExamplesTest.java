package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron line of examples/cron and the script it runs, run as cron runs them: {@code /bin/sh}
 * with an empty environment ({@code env -i}), but for where this test puts the config, the env
 * file and linkvault itself.
 */
class ExamplesTest {
    @TempDir
    Path dir;
    Path vault;
    Path bin;
    Path log;

    @BeforeEach
    void setUp() throws Exception {
        vault = dir.resolve("vault");
        Fixtures.write(dir, "src/a.txt", "alpha");
        assertEquals(0, Cli.run("init", vault.toString()).code());
        // linkvault itself, as bin/linkvault would run the jar: here, the classes of this build
        bin = dir.resolve("linkvault");
        Files.writeString(bin, "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
                + " -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        log = dir.resolve("linkvault.log");
    }

    private Path config(String source, boolean retention) throws Exception {
        Path c = dir.resolve("vault.yaml");
        Files.writeString(c, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: " + source + "}\n"
                + "notify:\n  command: [sh, -c, 'echo \"secret=$SECRET_VALUE\" > " + dir.resolve("env-seen") + "']\n"
                + (retention ? "retention:\n  keep-last: 1\n" : ""));
        return c;
    }

    /** The command of the cron line, with this test's places, run by /bin/sh under env -i. */
    private int cron(Path config, Path envFile) throws Exception {
        String line = Files.readAllLines(Path.of("examples/cron")).stream().filter(l -> l.startsWith("15 3"))
                .findFirst().orElseThrow();
        String command = line.split("\\s+", 7)[6]
                .replace("/opt/linkvault/examples/linkvault-nightly", Path.of("examples/linkvault-nightly").toAbsolutePath().toString())
                .replace("/var/log/linkvault.log", log.toString());
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin", "LINKVAULT_CONFIG=" + config,
                "LINKVAULT_BIN=" + bin, "LINKVAULT_ENV_FILE=" + envFile, "LC_ALL=C.UTF-8", "/bin/sh", "-c", command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("cron-mail").toFile()).start();
        return p.waitFor();
    }

    @Test
    void theCronLineWorksWithoutTheEnvFileSnapshotsThenPrunes() throws Exception {
        int rc = cron(config("src", true), dir.resolve("no-such-env"));
        assertEquals(0, rc, Files.readString(log));
        String l = Files.readString(log);
        assertTrue(l.contains("complete:"), l);
        assertTrue(l.contains("keep") && l.contains("gc:"), "forget --prune ran: " + l);
        assertEquals("", Files.readString(dir.resolve("cron-mail")), "nothing mailed on success");
    }

    @Test
    void theEnvFileIsReadAndExportedAndWithoutRetentionNothingIsPruned() throws Exception {
        Path env = dir.resolve("env");
        Files.writeString(env, "SECRET_VALUE=abc\n"); // no 'export': set -a exports it
        int rc = cron(config("src", false), env);
        assertEquals(0, rc, Files.readString(log));
        assertEquals("secret=abc", Files.readString(dir.resolve("env-seen")).strip(), "exported to linkvault's children");
        assertFalse(Files.readString(log).contains("gc:"), "no retention policy: no forget");
    }

    @Test
    void aFailedSnapshotIsNotFollowedByForgetAndReachesCronsMail() throws Exception {
        int rc = cron(config("no-such-folder", true), dir.resolve("no-such-env"));
        assertEquals(0, rc, "the || echo line itself succeeds");
        String mail = Files.readString(dir.resolve("cron-mail"));
        assertTrue(mail.contains("the nightly run failed (exit 2)"), mail);
        assertFalse(Files.readString(log).contains("gc:"), Files.readString(log));
    }
}
