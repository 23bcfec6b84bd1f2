package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot run under a umask that clears read bits (a cron job's 0277, say) still stores blobs mode 0444,
 * with the native helper (which makes a small blob in one call) and without it (the JDK's way).
 */
class UmaskTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "native helper {0}")
    @ValueSource(booleans = {true, false})
    void blobsAreReadableByAllWhateverTheUmaskOfTheRun(boolean withHelper) throws Exception {
        Path src = dir.resolve("src");
        for (int i = 0; i < 40; i++) {
            Fixtures.write(src, "d" + (i % 3) + "/f" + i + ".txt", "content " + i + " ".repeat(i * 7000));
        }
        Path vault = dir.resolve("vault");
        Path config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: " + src + "}\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "umask 0277 && exec '" + java + "' -Xmx128m " + dev.linkvault.ChildJvm.sqliteTmpdir() + " -D" + dev.linkvault.Native.PROPERTY + "='"
                + (withHelper ? System.getProperty(dev.linkvault.Native.PROPERTY, "off") : "off") + "' -cp '" + System.getProperty("java.class.path") + "' "
                + Main.class.getName() + " -c '" + config + "' snapshot -q --name s1";
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.out").toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("child.out")));
        List<Path> blobs = Fixtures.files(vault.resolve(".data/sha1"));
        assertEquals(40, blobs.size());
        for (Path b : blobs) {
            assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(b)), b.toString());
        }
        assertEquals(List.of(), Fixtures.files(vault.resolve(".data/tmp")), "no temp file is left");
    }
}
