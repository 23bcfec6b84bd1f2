package dev.linkvault;

import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a JVM of its own, with the environment given. */
public final class ChildJvm {
    private ChildJvm() {}

    private static Path sqliteLib;

    /**
     * {@code -Dorg.sqlite.tmpdir=} a folder of this test JVM's, removed when it ends: where a child
     * unpacks SQLite's native library. A child killed with SIGKILL (CrashTest) cannot remove its copy,
     * which in {@code /tmp} would stay there, 1 MB a child.
     */
    public static synchronized String sqliteTmpdir() throws IOException {
        if (sqliteLib == null) {
            Path made = Files.createTempDirectory("linkvault-test-sqlite-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Repository.deleteTree(made);
                } catch (IOException e) {
                    System.err.println("cannot remove " + made + ": " + e.getMessage());
                }
            }));
            sqliteLib = made;
        }
        return "-Dorg.sqlite.tmpdir=" + sqliteLib;
    }

    /** What a child printed and how it ended. */
    public record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The German UTF-8 locale, when this machine has it (localedef -i de_DE -f UTF-8 de_DE.UTF-8). */
    public static boolean hasGermanLocale() {
        try {
            Process p = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().anyMatch(l -> l.equalsIgnoreCase("de_DE.utf8") || l.equalsIgnoreCase("de_DE.UTF-8"));
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static final Map<String, String> GERMAN = Map.of("LANG", "de_DE.UTF-8", "LC_ALL", "de_DE.UTF-8");

    /** A child started, its output going to files. */
    public record Started(Process process, Path out, Path err) {
        /** Waits for the end (at most 5 minutes). */
        public Run finish() throws Exception {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the child did not finish");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        }

        /** Sends a signal by name (INT, TERM, KILL). */
        public void signal(String name) throws Exception {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        }
    }

    public static Started start(Path dir, Map<String, String> env, Class<?> main, String... args) throws IOException {
        return start(dir, new String[0], env, main, args);
    }

    /** As {@link #run}, the JVM started through {@code wrapper} (for example setpriv, to run as another user). */
    public static Run runAs(Path dir, String[] wrapper, Map<String, String> env, Class<?> main, String... args)
            throws Exception {
        return start(dir, wrapper, env, main, args).finish();
    }

    private static Started start(Path dir, String[] wrapper, Map<String, String> env, Class<?> main, String... args)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(wrapper));
        String classpath = wrapper.length == 0 ? System.getProperty("java.class.path") : readableClasspath(dir);
        cmd.addAll(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        if (wrapper.length == 0) {
            cmd.add(sqliteTmpdir());
        } else {
            // a temporary folder of its own, where it may write (SQLite's native library goes there)
            Path tmp = Files.createDirectories(dir.resolve("child-tmp"));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
            cmd.add("-Djava.io.tmpdir=" + tmp);
        }
        cmd.addAll(List.of("-cp", classpath, main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "child-", ".out");
        Path err = Files.createTempFile(dir, "child-", ".err");
        pb.directory(dir.toFile());
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return new Started(pb.start(), out, err);
    }

    /**
     * The classpath with every jar linked (or copied) into {@code dir/cp}: jars in the build
     * user's home (Maven's repository) are out of another user's reach.
     */
    private static String readableClasspath(Path dir) throws IOException {
        Path cp = Files.createDirectories(dir.resolve("cp"));
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) || !Files.exists(p)) {
                out.add(entry);
                continue;
            }
            Path there = cp.resolve((i++) + "-" + p.getFileName());
            try {
                Files.createLink(there, p);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(p, there);
            }
            out.add(there.toString());
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    public static Run run(Path dir, Map<String, String> env, Class<?> main, String... args) throws Exception {
        return start(dir, env, main, args).finish();
    }
}
