package dev.linkvault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native helper's digests (libcrypto) against the JDK's, byte for byte: what names every
 * blob must not depend on which of the two computed it.
 */
class NativeDigestTest {
    private static final String[] ALGORITHMS = {"SHA-1", "SHA-256", "MD5"};

    @BeforeAll
    static void helperIsThere() throws Exception {
        Path lib = Path.of(System.getProperty(Native.PROPERTY, ""));
        boolean gcc = new ProcessBuilder("sh", "-c", "command -v gcc").start().waitFor() == 0;
        // the build makes the helper wherever gcc is: then it must have been made and must load
        assumeTrue(gcc || Files.isRegularFile(lib), "no gcc here, so no native helper to test");
        assertTrue(Files.isRegularFile(lib), "mvn built no native helper at " + lib + " although gcc is here");
        assertTrue(NativeDigest.status().startsWith("native, libcrypto"), NativeDigest.status());
    }

    @Test
    void everyAlgorithmGivesTheJdksDigestWhateverTheChunking() throws Exception {
        Random random = new Random(42);
        for (String algorithm : ALGORITHMS) {
            for (int size : new int[] {0, 1, 55, 56, 63, 64, 65, 1000, 262_144, 1_000_003}) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                MessageDigest fast = Digests.of(algorithm);
                assertInstanceOf(NativeDigest.class, fast);
                int at = 0;
                while (at < size) {
                    int n = Math.min(size - at, 1 + random.nextInt(70_000));
                    if (n == 1) {
                        fast.update(data[at]);
                    } else {
                        fast.update(data, at, n);
                    }
                    at += n;
                }
                assertArrayEquals(MessageDigest.getInstance(algorithm).digest(data), fast.digest(),
                        algorithm + " of " + size + " bytes");
            }
        }
    }

    @Test
    void aDigestStartsAfreshAfterDigestAndResetAndCopiesByClone() throws Exception {
        for (String algorithm : ALGORITHMS) {
            MessageDigest jdk = MessageDigest.getInstance(algorithm);
            MessageDigest fast = Digests.of(algorithm);
            assertEquals(jdk.getDigestLength(), fast.getDigestLength());
            fast.update("thrown away".getBytes());
            fast.reset();
            fast.update("abc".getBytes());
            MessageDigest copy = (MessageDigest) fast.clone();
            assertArrayEquals(jdk.digest("abc".getBytes()), fast.digest());
            assertArrayEquals(jdk.digest("abc".getBytes()), fast.digest("abc".getBytes()), "fresh after digest()");
            copy.update(ByteBuffer.wrap("def".getBytes()));
            assertArrayEquals(jdk.digest("abcdef".getBytes()), copy.digest(), "the clone went on from abc");
        }
    }

    @Test
    void theCollisionPairsShareTheirSha1AndNotTheirSha256() throws Exception {
        for (String[] pair : new String[][] {{"shattered-1.pdf", "shattered-2.pdf"}, {"sha-mbles-1.bin", "sha-mbles-2.bin"}}) {
            byte[] a = Files.readAllBytes(Fixtures.collisions().resolve(pair[0]));
            byte[] b = Files.readAllBytes(Fixtures.collisions().resolve(pair[1]));
            assertArrayEquals(Digests.of("SHA-1").digest(a), Digests.of("SHA-1").digest(b), pair[0]);
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(a), Digests.of("SHA-1").digest(a));
            assertNotEquals(java.util.HexFormat.of().formatHex(Digests.of("SHA-256").digest(a)),
                    java.util.HexFormat.of().formatHex(Digests.of("SHA-256").digest(b)), pair[0]);
        }
    }

    @Test
    void aHelperOfAnotherBuildIsNotUsedAndVersionSaysHowToRebuild() throws Exception {
        // one of the JDK's own libraries: a real shared library without the layout number, as a helper from before it
        Path other = Path.of(System.getProperty("java.home"), "lib", "libprefs.so");
        assumeTrue(Files.isRegularFile(other), "no " + other + " in this JDK");
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(jvm, "-D" + Native.PROPERTY + "=" + other, "-cp",
                System.getProperty("java.class.path"), dev.linkvault.cli.Main.class.getName(), "version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("digests: the JDK's (the native helper " + other + " is of another build (layout 0, not "
                + Native.ABI + "); rebuild it with: mvn -q -DskipTests package)"), out);
    }

    @Test
    void aHelperNamedByARelativePathIsFoundFromTheWorkingFolder() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Path helper = Path.of(System.getProperty(Native.PROPERTY)).toAbsolutePath();
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(jvm, "-D" + Native.PROPERTY + "=" + helper.getFileName(), "-cp",
                System.getProperty("java.class.path"), dev.linkvault.cli.Main.class.getName(), "version")
                .directory(helper.getParent().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("digests: native"), out);
    }
}
