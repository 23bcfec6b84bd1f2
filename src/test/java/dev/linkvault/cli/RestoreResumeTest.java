package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.ChildJvm;
import dev.linkvault.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interrupted restore says how to finish, and running it again finishes it. */
class RestoreResumeTest {
    private static final int FILES = 2000;
    @TempDir
    Path dir;

    private static long count(Path top, String suffix) throws Exception {
        if (!Files.isDirectory(top)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(top)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        } catch (java.io.UncheckedIOException changing) {
            return 0; // a file went while being listed: ask again
        }
    }

    @Test
    void ctrlCDuringARestoreSaysHowToFinishAndTheRerunSkipsWhatIsThere() throws Exception {
        Path src = dir.resolve("src");
        byte[] pad = "x".repeat(2 * 1024).getBytes();
        for (int i = 0; i < FILES; i++) {
            Path p = src.resolve("d" + (i % 30)).resolve("f" + i + ".txt");
            Files.createDirectories(p.getParent());
            Files.write(p, ((i % 30) + "\n").getBytes()); // few contents: the restore, not the store, is tested
            Files.write(p, pad, java.nio.file.StandardOpenOption.APPEND);
        }
        Path vault = dir.resolve("vault");
        Path config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: " + src + "}\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
        assertEquals(0, Cli.run("-c", config.toString(), "snapshot", "--name", "s1").code());

        Path out = dir.resolve("out");
        ChildJvm.Started child = ChildJvm.start(dir, Map.of("LC_ALL", "C.UTF-8"), Main.class,
                "--repo", vault.toString(), "restore", "s1", "--to", out.toString());
        long deadline = System.currentTimeMillis() + 60_000;
        while (count(out, ".txt") < 50 && child.process().isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(child.process().isAlive(), "the restore ended before the signal: give it more files");
        child.signal("INT");
        ChildJvm.Run r = child.finish();
        assertEquals(130, r.code(), r.toString());
        assertTrue(r.err().contains("interrupted; run the same command again to finish it"), r.toString());
        long restored = count(out, ".txt");
        assertTrue(restored > 0 && restored < FILES, "interrupted part-way: " + restored);
        assertEquals(0, count(out, ".linkvault-restore"), "no temporary file left");

        Cli again = Cli.run("--repo", vault.toString(), "restore", "s1", "--to", out.toString());
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("already there"), again.out());
        for (int i = 0; i < FILES; i += 97) {
            Path rel = Path.of("d" + (i % 30), "f" + i + ".txt");
            assertEquals(Files.readString(src.resolve(rel)), Files.readString(out.resolve("docs").resolve(rel)));
        }

        // A file that is not the snapshot's (same size and mtime, other bytes) is never taken for a restored one.
        Path one = out.resolve("docs/d1/f1.txt");
        FileTime mtime = Files.getLastModifiedTime(one);
        Files.writeString(one, "9" + Files.readString(one).substring(1));
        Files.setLastModifiedTime(one, mtime);
        Cli third = Cli.run("--repo", vault.toString(), "restore", "s1", "--to", out.toString());
        assertEquals(1, third.code(), third.toString());
        assertTrue(third.err().contains("docs/d1/f1.txt") && third.err().contains("differs from the snapshot; give --overwrite"),
                third.toString());
        assertFalse(third.err().contains("f2.txt"), "the others are the snapshot's: " + third.err());
        Cli overwrite = Cli.run("--repo", vault.toString(), "restore", "s1:docs/d1/f1.txt", "--target",
                out.resolve("docs/d1").toString(), "--overwrite");
        assertEquals(0, overwrite.code(), overwrite.toString());
        assertEquals(Files.readString(src.resolve("d1/f1.txt")), Files.readString(one));
        assertTrue(Instant.now().isAfter(mtime.toInstant()));
    }
}
