package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/linkvault itself, in an installed layout of its own ({@code app/bin/linkvault} beside
 * {@code app/target/linkvault.jar}; the jar here holds only a manifest whose class path is this
 * build's), run the ways a user runs it: by its path, from its folder, and through a symlink in
 * another folder, as {@code ln -s /opt/linkvault/bin/linkvault /usr/local/bin/} makes.
 */
class LauncherTest {
    @TempDir
    Path dir;
    Path launcher;

    @BeforeEach
    void install() throws Exception {
        Path app = dir.resolve("app");
        launcher = Files.createDirectories(app.resolve("bin")).resolve("linkvault");
        Files.copy(Path.of("bin/linkvault"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        StringBuilder cp = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            cp.append(Path.of(e).toUri()).append(' '); // a folder's URI ends with '/'
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp.toString().strip());
        Files.createDirectories(app.resolve("target"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(app.resolve("target/linkvault.jar")), m)) {
            jar.flush();
        }
    }

    private ProcessResult run(Path workingDir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new ProcessResult(p.waitFor(), out);
    }

    private record ProcessResult(int code, String out) {}

    @Test
    void itRunsByItsPathFromItsFolderAndThroughASymlinkElsewhere() throws Exception {
        Path usrBin = Files.createDirectories(dir.resolve("usr/local/bin"));
        Files.createSymbolicLink(usrBin.resolve("linkvault"), launcher);
        for (ProcessResult r : List.of(
                run(dir, launcher.toString(), "--version"),
                run(launcher.getParent(), "bash", "linkvault", "--version"),
                run(dir, usrBin.resolve("linkvault").toString(), "--version"))) {
            assertEquals(0, r.code(), r.out());
            assertTrue(r.out().startsWith("linkvault "), r.out());
        }
    }

    @Test
    void withoutItsJarItSaysHowToBuildItAndExits2() throws Exception {
        Files.delete(dir.resolve("app/target/linkvault.jar"));
        ProcessResult r = run(dir, launcher.toString(), "--version");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("is missing; build it first with: mvn -q -DskipTests package"), r.out());
    }
}
