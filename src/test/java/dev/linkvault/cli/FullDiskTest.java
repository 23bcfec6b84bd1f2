package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on a small filesystem that a snapshot filled: read-only commands still work (a
 * reader writes nothing, not even SQLite's shared-memory file, which a full disk turns into
 * SIGBUS), and a writer says "no space left on device" in one line. Needs to mount a tmpfs
 * (root); skipped where that is not allowed.
 */
class FullDiskTest {
    @TempDir
    Path dir;
    Path mount;
    Path vault;
    Path config;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        mount = Files.createDirectory(dir.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root)");
        vault = mount.resolve("vault");
        Path src = Files.createDirectory(dir.resolve("src"));
        for (int i = 0; i < 20; i++) {
            Fixtures.write(src, "f" + i + ".txt", "content " + i);
        }
        config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - type: local\n    name: docs\n    path: " + src + "\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
        Cli snap = Cli.run("-c", config.toString(), "snapshot", "--name", "one");
        assertEquals(0, snap.code(), snap.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        if (vault != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
    }

    private void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(mount.resolve("filler"))) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // full: what the test wants
        }
        assertTrue(Files.getFileStore(mount).getUsableSpace() < 8192, "the filesystem is full");
    }

    @Test
    void readOnlyCommandsWorkOnAFullDiskAndLeaveNothingBehind() throws Exception {
        fill();
        for (String[] cmd : new String[][] {{"snapshots"}, {"ls", "one:docs"}, {"verify"}, {"stats"}}) {
            String[] args = Stream.concat(Stream.of("--repo", vault.toString()), Stream.of(cmd)).toArray(String[]::new);
            Cli r = Cli.run(args);
            assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r);
        }
        try (Stream<Path> s = Files.list(vault.resolve(".linkvault"))) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().matches(".*(-shm|-wal|-journal|damaged.*)")));
        }
        assertTrue(Cli.run("--repo", vault.toString(), "snapshots").out().contains("one"));
    }

    @Test
    void aWriterThatRunsOutOfSpaceSaysSoInOneLine() throws Exception {
        Path src = dir.resolve("src");
        for (int i = 0; i < 50; i++) {
            Fixtures.write(src, "new/g" + i + ".txt", "new content " + i + "x".repeat(20_000));
        }
        fill();
        Cli snap = Cli.run("-c", config.toString(), "snapshot", "--name", "two");
        assertEquals(2, snap.code(), snap.toString());
        String[] lines = snap.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.contains("no space left on device"), snap.toString());
        assertFalse(snap.err().contains("unexpected failure") || snap.err().contains("Exception"), snap.toString());
        Files.delete(mount.resolve("filler"));
        Cli list = Cli.run("--repo", vault.toString(), "snapshots");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains("one"), list.out());
    }
}
