package dev.linkvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native listing against the JDK's {@code unix:} attributes of the same entries. */
class NativeDirTest {
    @TempDir
    Path dir;

    @Test
    void eachEntrysAttributesAreTheJdks() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Fixtures.write(dir, "file.txt", "twelve bytes");
        Files.createDirectories(dir.resolve("folder"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("file.txt"));
        Files.createFile(dir.resolve("€ empty"));
        Files.createLink(dir.resolve("file.txt linked"), dir.resolve("file.txt"));
        Map<String, String> listed = new TreeMap<>();
        for (NativeDir.Child c : NativeDir.list(dir)) {
            listed.put(c.name(), c.mode() + " " + c.ino() + " " + c.dev() + " " + c.size() + " " + c.mtime() + " " + c.ctime()
                    + " " + c.links());
        }
        Map<String, String> jdk = new TreeMap<>();
        try (var entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,ino,dev,size,lastModifiedTime,ctime,nlink",
                        LinkOption.NOFOLLOW_LINKS);
                jdk.put(p.getFileName().toString(), a.get("mode") + " " + a.get("ino") + " " + a.get("dev") + " "
                        + a.get("size") + " " + ((FileTime) a.get("lastModifiedTime")).toInstant() + " "
                        + ((FileTime) a.get("ctime")).toInstant() + " " + a.get("nlink"));
            }
        }
        assertEquals(jdk, listed);
        assertEquals(5, listed.size());
        assertEquals("2", listed.get("file.txt").substring(listed.get("file.txt").lastIndexOf(' ') + 1));
    }

    @Test
    void aFolderThatCannotBeOpenedIsLeftToTheJdk() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        assertNull(NativeDir.list(dir.resolve("missing")));
        Fixtures.write(dir, "file.txt", "not a folder");
        assertNull(NativeDir.list(dir.resolve("file.txt")));
        Files.createSymbolicLink(dir.resolve("link"), dir);
        assertNull(NativeDir.list(dir.resolve("link")), "a symlink to a folder is not followed");
    }

    @Test
    void aFilesystemIsSyncedThroughAnOpenFolderAndABadDescriptorIsSaid() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Fixtures.write(dir, "written.txt", "bytes the flush makes durable");
        int fd = NativeDir.open(dir);
        try {
            assertEquals(0, NativeDir.syncFilesystem(fd));
        } finally {
            NativeDir.closeFd(fd);
        }
        assertEquals(9, NativeDir.syncFilesystem(-1), "EBADF: the caller falls back to sync(1)");
    }

    @Test
    void aRenameIntoAnOpenFolderNeverReplacesWhatHasTheName() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Path from = Fixtures.write(dir, "tmp/put-1.tmp", "new content");
        Path taken = Fixtures.write(dir, "store/taken", "stored content");
        Fixtures.write(dir, "tmp/put-2.tmp", "a second new content");
        int fd = NativeDir.open(dir.resolve("store"));
        try {
            assertEquals(NativeDir.EEXIST, NativeDir.renameNew(from, fd, "taken"), "a taken name is refused");
            assertEquals("stored content", Files.readString(taken), "and what has it is untouched");
            assertEquals("new content", Files.readString(from), "the file to rename stays where it was");
            assertEquals(0, NativeDir.renameNew(from, fd, "free"));
            assertEquals("new content", Files.readString(dir.resolve("store/free")));
            assertFalse(Files.exists(from), "renamed, not linked: nothing is left behind");
            assertEquals(2, NativeDir.renameNew(dir.resolve("tmp/absent"), fd, "other"), "ENOENT");
        } finally {
            NativeDir.closeFd(fd);
        }
    }
}
