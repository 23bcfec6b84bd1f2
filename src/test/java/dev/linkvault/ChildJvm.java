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

    public static Run run(Path dir, Map<String, String> env, Class<?> main, String... args) throws Exception {
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
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("child " + main.getName() + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
