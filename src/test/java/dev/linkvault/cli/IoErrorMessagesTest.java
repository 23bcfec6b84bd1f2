package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.ChildJvm;
import dev.linkvault.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages from I/O failures as a user meets them: the real path, the reason and the fix, never
 * a temporary name, an exception's class or a bare path. Read-only places are read-only bind
 * mounts (as root); "permission denied" is met by a child JVM running as nobody.
 */
class IoErrorMessagesTest {
    @TempDir
    Path dir;
    Path vault;
    Path config;
    Path readOnly;

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.write(dir, "src/a.txt", "alpha");
        Fixtures.write(dir, "src/b/c.txt", "charlie");
        vault = dir.resolve("vault");
        config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: src}\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
        assertEquals(0, Cli.run("-c", config.toString(), "snapshot", "--name", "s1").code());
    }

    @AfterEach
    void unmount() throws Exception {
        if (readOnly != null) {
            new ProcessBuilder("umount", "-l", readOnly.toString()).inheritIO().start().waitFor();
        }
    }

    private Path readOnlyFolder() throws Exception {
        Path p = Files.createDirectory(dir.resolve("ro"));
        Process bind = new ProcessBuilder("sh", "-c", "mount --bind '" + p + "' '" + p + "' && mount -o remount,ro,bind '"
                + p + "' '" + p + "'").redirectErrorStream(true).start();
        bind.getInputStream().readAllBytes();
        if (bind.waitFor() == 0) {
            readOnly = p;
        }
        Assumptions.assumeTrue(readOnly != null, "cannot make a read-only bind mount here (needs root)");
        return p;
    }

    @Test
    void restoringIntoAReadOnlyFolderNamesTheTargetAndTheReason() throws Exception {
        Path ro = readOnlyFolder();
        Cli r = Cli.run("--repo", vault.toString(), "restore", "s1:docs/a.txt", "--to", ro.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("cannot write " + ro.resolve("a.txt") + ": read-only file system"), r.toString());
        assertFalse(r.err().contains("linkvault-restore"), "no temporary name: " + r);

        Cli deeper = Cli.run("--repo", vault.toString(), "restore", "s1", "--to", ro.resolve("out").toString());
        assertEquals(2, deeper.code(), deeper.toString());
        assertEquals("linkvault: " + ro.resolve("out") + ": read-only file system; choose a place on a writable file"
                + " system, or remount it read-write", deeper.err().strip());
    }

    @Test
    void anUnreadableConfigAndAnUnwritableRestoreTargetSayPermissionDenied() throws Exception {
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        // JUnit makes its folder 0700; nobody must be able to enter it (the system's temp folder is left as it is)
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // As nobody: the vault can be read (it is 0755/0644 and blobs 0444), the config cannot.
        String[] asNobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
        Process probe = new ProcessBuilder(asNobody[0], asNobody[1], asNobody[2], asNobody[3], "true")
                .redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        Assumptions.assumeTrue(probe.waitFor() == 0, "cannot run as nobody here");

        ChildJvm.Run cfg = ChildJvm.runAs(dir, asNobody, Map.of("LC_ALL", "C.UTF-8"), Main.class,
                "-c", config.toString(), "snapshots");
        assertEquals(2, cfg.code(), cfg.toString());
        // a child's stderr is no terminal: the line starts with its time
        assertEquals("linkvault: cannot read config file " + config + ": permission denied; check the permissions"
                + " (ls -ld) or run as a user who may write there", cfg.err().strip().replaceFirst("^\\S+T\\S+ ", ""));

        ChildJvm.Run restore = ChildJvm.runAs(dir, asNobody, Map.of("LC_ALL", "C.UTF-8"), Main.class,
                "--repo", vault.toString(), "restore", "s1:docs/a.txt", "--to", out.toString());
        assertEquals(1, restore.code(), restore.toString());
        assertTrue(restore.err().contains("cannot write " + out.resolve("a.txt") + ": permission denied"), restore.toString());
        assertFalse(restore.err().contains("Exception"), restore.toString());
    }
}
