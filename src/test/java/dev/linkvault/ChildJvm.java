package dev.linkvault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a JVM of its own, with the environment given. */
public final class ChildJvm {
    private ChildJvm() {}

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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "child-", ".out");
        Path err = Files.createTempFile(dir, "child-", ".err");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return new Started(pb.start(), out, err);
    }

    public static Run run(Path dir, Map<String, String> env, Class<?> main, String... args) throws Exception {
        return start(dir, env, main, args).finish();
    }
}
