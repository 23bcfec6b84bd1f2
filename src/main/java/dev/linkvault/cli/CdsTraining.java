package dev.linkvault.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by the build (src/build/cds.sh), not by users: goes through the everyday commands on a
 * throw-away repository so that the JVM's class-data archive made at its exit holds the classes
 * they load, and copies SQLite's native library for this platform out of the jar. With both,
 * bin/linkvault starts a command in about half the time (no class parsing and verifying of
 * picocli, Jackson and SQLite's driver, no library unpacked into /tmp on every run).
 *
 * <p>Usage: CdsTraining TARGET_DIR
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        copyNativeLibrary(target.resolve("native"));
        Path work = Files.createTempDirectory("linkvault-cds-");
        try {
            Path src = Files.createDirectories(work.resolve("src/a/b"));
            for (int i = 0; i < 20; i++) {
                Files.writeString(src.resolve("f" + i + ".txt"), "file " + i + "\n");
            }
            Files.createSymbolicLink(work.resolve("src/link"), Path.of("a/b/f1.txt"));
            // a source with no symlink: its files are linked relative to open tree folders (one with a
            // symlink is written by path)
            Path plain = Files.createDirectories(work.resolve("plain/c"));
            for (int i = 0; i < 20; i++) {
                Files.writeString(plain.resolve("g" + i + ".txt"), "plain file " + i + "\n");
            }
            Path vault = work.resolve("vault");
            Path config = work.resolve("vault.yaml");
            // block and flow style both (a flow mapping and a flow sequence), as configs are written
            Files.writeString(config, "repository: " + vault + "\nsources:\n  - type: local\n    name: docs\n    path: "
                    + work.resolve("src") + "\n    ignore: ['.*\\.tmp$']\n  - {type: local, name: plain, path: "
                    + work.resolve("plain") + "}\nretention: {keep-last: 10}\n");
            String c = config.toString();
            List<String[]> runs = new ArrayList<>(List.of(
                    new String[] {"--version"},
                    new String[] {"help"},
                    new String[] {"init", vault.toString()},
                    new String[] {"-c", c, "snapshot", "--name", "s1"},
                    new String[] {"-c", c, "snapshot", "--name", "s2", "--json"},
                    new String[] {"-c", c, "snapshots"},
                    new String[] {"-c", c, "snapshots", "--json"},
                    new String[] {"-c", c, "ls", "-h", "latest:docs/a/b"},
                    new String[] {"-c", c, "ls", "-r", "s1"},
                    new String[] {"-c", c, "history", "docs/a/b/f1.txt"},
                    new String[] {"-c", c, "history", "docs/a/b/f1.txt", "--json"},
                    new String[] {"-c", c, "find", "*.txt"},
                    new String[] {"-c", c, "diff", "s1", "s2"},
                    new String[] {"-c", c, "restore", "s1:docs/a/b/f2.txt", "--to", work.resolve("out").toString()},
                    new String[] {"-c", c, "dump", "s1:docs/a/b/f3.txt"},
                    new String[] {"-c", c, "status"},
                    new String[] {"-c", c, "stats"},
                    new String[] {"-c", c, "verify"},
                    new String[] {"-c", c, "forget", "--keep-last", "1", "--prune"},
                    new String[] {"-c", c, "gc"},
                    new String[] {"-c", c, "ls", "nosuch"}));
            PrintWriter quiet = new PrintWriter(Writer.nullWriter());
            for (String[] run : runs) {
                Main.run(run, quiet, new PrintWriter(new StringWriter()));
            }
            // as from cron or a timer: stderr is no terminal, so its lines get a timestamp
            Main.run(new String[] {"-c", c, "snapshot", "--name", "s3"}, quiet, new PrintWriter(new StringWriter()), true);
        } finally {
            dev.linkvault.repo.Repository.deleteTree(work);
        }
    }

    /** SQLite's library for this platform, as sqlite-jdbc would unpack it into /tmp on each start. */
    private static void copyNativeLibrary(Path dir) throws IOException {
        String resource = "/org/sqlite/native/" + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS()
                + "/libsqlitejdbc.so";
        try (InputStream in = CdsTraining.class.getResourceAsStream(resource)) {
            if (in == null) {
                return; // no library of that name for this platform: the driver finds its own
            }
            Files.createDirectories(dir);
            Path tmp = dir.resolve("libsqlitejdbc.so.tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve("libsqlitejdbc.so"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
