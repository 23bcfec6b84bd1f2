package dev.linkvault.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Buffers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source file read as the store reads it (a buffer of {@link Buffers#SIZE} at a time), and its
 * fingerprint asked again after: with the native helper, in one call whose attributes come from
 * the file it read; without it, the JDK's way. The same answers either way.
 */
class DiskFileTest {
    @TempDir
    Path dir;

    private static final DiskFile.Fingerprinter FP = s -> s.size() + ":" + s.mtime() + ":" + s.ctime() + ":" + s.ino();

    private static byte[] readAll(DiskFile f) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[Buffers.SIZE];
        try (InputStream in = f.open()) {
            int n;
            while ((n = in.read(buf, 0, buf.length)) > 0) {
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads a file of {@code size} random bytes as the store does: the bytes, and still the fingerprint listed. */
    private void readsWhole(int size) throws Exception {
        Path p = dir.resolve("file-" + size + ".bin");
        byte[] content = random(size, size);
        Files.write(p, content);
        String listed = FP.of(DiskFile.stat(p));
        DiskFile f = new DiskFile(p, FP);
        assertArrayEquals(content, readAll(f));
        assertTrue(f.stillMatches(listed));
    }

    @Test
    void aSmallFileIsReadWholeAndStillHasTheFingerprintItWasListedWith() throws Exception {
        readsWhole(5000);
    }

    @Test
    void aFileLargerThanOneReadIsReadOnToItsEnd() throws Exception {
        readsWhole(Buffers.SIZE * 2 + 12345);
    }

    @Test
    void aFileExactlyTheSizeOfOneReadEndsThere() throws Exception {
        readsWhole(Buffers.SIZE);
    }

    @Test
    void aFileChangedOrReplacedSinceItWasListedNoLongerMatches() throws Exception {
        Path p = dir.resolve("changing.txt");
        Files.writeString(p, "as listed");
        String listed = FP.of(DiskFile.stat(p));
        Files.writeString(p, "grown since it was listed");
        DiskFile f = new DiskFile(p, FP);
        assertEquals("grown since it was listed", new String(readAll(f)));
        assertFalse(f.stillMatches(listed), "the content read is not the one listed");

        Path other = dir.resolve("other.txt");
        Files.writeString(other, "same size");
        Files.writeString(p, "same size");
        listed = FP.of(DiskFile.stat(p));
        Files.move(other, p, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("same size", new String(readAll(f)));
        assertFalse(f.stillMatches(listed), "another file (inode) under the same name");
        assertTrue(f.stillMatches(FP.of(DiskFile.stat(p))), "and it matches what is there now");
    }

    @Test
    void aSymlinkPutInItsPlaceIsNotFollowed() throws Exception {
        Path target = dir.resolve("target.txt");
        Files.writeString(target, "not to be read through a link");
        Path p = dir.resolve("was-a-file.txt");
        Files.createSymbolicLink(p, target);
        IOException e = assertThrows(IOException.class, () -> readAll(new DiskFile(p, FP)));
        assertEquals("not a regular file any more", e.getMessage());
    }

    @Test
    void aNamedPipePutInItsPlaceIsAnErrorNotAHang() throws Exception {
        Path p = dir.resolve("was-a-file");
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor());
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(IOException.class, () -> readAll(new DiskFile(p, FP))));
        assertEquals("not a regular file any more", e.getMessage());
    }

    @Test
    void aMissingFileIsTheJdksNoSuchFile() throws Exception {
        Path p = dir.resolve("vanished.txt");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> readAll(new DiskFile(p, FP)));
    }
}
