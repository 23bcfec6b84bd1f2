package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.linkvault.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store scan (gc, verify, stats) sees the same files with the same attributes through the native listing as through the JDK's. */
class StoreScanTest {
    @TempDir
    Path dir;

    @Test
    void theNativeListingSeesExactlyWhatTheJdksDoes() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Path sha1 = dir.resolve(".data/sha1");
        Path ab = Files.createDirectories(sha1.resolve("ab"));
        Path cd = Files.createDirectories(sha1.resolve("cd"));
        String a = "1".repeat(38);
        String b = "2".repeat(38);
        for (String name : new String[] {a, a + ".1", b, "not-a-blob"}) {
            Files.writeString(ab.resolve(name), "content of " + name);
            Files.setPosixFilePermissions(ab.resolve(name), PosixFilePermissions.fromString("r--r--r--"));
        }
        Files.setPosixFilePermissions(ab.resolve(b), PosixFilePermissions.fromString("rw-r--r--"));
        Path tree = Files.createDirectories(dir.resolve("snapshots/s1"));
        Files.createLink(tree.resolve("x"), ab.resolve(a));
        Files.createLink(tree.resolve("y"), ab.resolve(a));
        Files.writeString(cd.resolve("3".repeat(38)), "one");
        // a stray whose name is not UTF-8: that folder is listed the JDK's way, which keeps its bytes
        Path odd = cd.resolve(new String(new byte[] {'x', (byte) 0xe9, 'y'}, java.nio.charset.StandardCharsets.ISO_8859_1));
        try {
            Files.writeString(odd, "stray");
        } catch (java.nio.file.InvalidPathException e) {
            // a JVM whose file names are not bytes-as-Latin-1 cannot make it: the rest still counts
        }
        Files.writeString(sha1.resolve("README"), "not a fan-out folder");
        Files.createDirectories(sha1.resolve("zz"));

        List<String> jdk = scan(sha1, false);
        List<String> nat = scan(sha1, true);
        assertEquals(jdk, nat);
        List<String> withoutInodes = nat.stream().map(s -> s.substring(0, s.lastIndexOf(" ino "))).toList();
        assertEquals(List.of(
                "ab/" + a + " " + "ab" + a + " 0 links 3 size " + ("content of " + a).length() + " mode 444",
                "ab/" + a + ".1 " + "ab" + a + " 1 links 1 size " + ("content of " + a + ".1").length() + " mode 444",
                "ab/" + b + " " + "ab" + b + " 0 links 1 size " + ("content of " + b).length() + " mode 644"),
                withoutInodes.subList(1, 4));
        assertEquals("ab/not-a-blob null 0 links 1 size " + "content of not-a-blob".length() + " mode 444",
                withoutInodes.get(4));
        assertEquals("README null 0 links 0 size 0 mode 0", withoutInodes.get(0), "a stray file is visited as not a blob");
    }

    private static List<String> scan(Path sha1, boolean nativeListing) throws Exception {
        List<String> seen = new ArrayList<>();
        StoreScan.nativeListing = nativeListing;
        try {
            StoreScan.blobs(sha1, fan -> true, f -> seen.add(sha1.relativize(f.path()) + " "
                    + (f.blob() == null ? "null" : f.blob().sha1()) + " " + f.copy() + " links " + f.links()
                    + " size " + f.size() + " mode " + Integer.toOctalString(f.mode()) + " ino " + f.inode()));
        } finally {
            StoreScan.nativeListing = true;
        }
        return seen;
    }
}
