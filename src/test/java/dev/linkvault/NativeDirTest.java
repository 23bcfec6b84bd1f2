package dev.linkvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
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

    @Test
    void aFileIsMadeWrittenAndSealedInOneCallOrNotAtAll() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Path taken = Fixtures.write(dir, "lane/taken", "a file already there");
        byte[] data = "bytes of the blob, and more the call is told to leave out".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.time.Instant mtime = java.time.Instant.parse("2019-05-04T03:02:01.123456789Z");
        int fd = NativeDir.open(dir.resolve("lane"));
        try {
            assertEquals(0, NativeDir.createFile(fd, "put-1.tmp", data, 17, 0444, false, mtime));
            Path made = dir.resolve("lane/put-1.tmp");
            assertEquals("bytes of the blob", Files.readString(made), "the first LENGTH bytes, no more");
            assertEquals("r--r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
            assertEquals(mtime, Files.getLastModifiedTime(made).toInstant(), "to the nanosecond");
            assertEquals(0, NativeDir.createFile(fd, "put-2.tmp", data, data.length, 0444, true, mtime), "chmod again");
            assertEquals("r--r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("lane/put-2.tmp"))));
            assertEquals(NativeDir.EEXIST, NativeDir.createFile(fd, "taken", data, 5, 0444, false, mtime), "never over a file");
            assertEquals("a file already there", Files.readString(taken), "which is untouched");
            assertEquals(22, NativeDir.createFile(fd, "put-3.tmp", data, data.length + 1, 0444, false, mtime),
                    "EINVAL: more bytes than the array holds");
            assertFalse(Files.exists(dir.resolve("lane/put-3.tmp")), "and no file is made");
        } finally {
            NativeDir.closeFd(fd);
        }
        Files.delete(taken);
        Files.delete(dir.resolve("lane/put-1.tmp"));
        Files.delete(dir.resolve("lane/put-2.tmp"));
        int gone = NativeDir.open(dir.resolve("lane"));
        try {
            Files.delete(dir.resolve("lane"));
            assertEquals(2, NativeDir.createFile(gone, "put-4.tmp", data, 5, 0444, false, mtime),
                    "ENOENT in a folder removed meanwhile: the store makes its lane again");
        } finally {
            NativeDir.closeFd(gone);
        }
    }

    @Test
    void aFileIsReadInOneCallWithItsAttributesFromTheSameOpenFile() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Path file = Fixtures.write(dir, "file.txt", "twelve bytes", java.time.Instant.parse("2019-05-04T03:02:01.123456789Z"));
        byte[] b = new byte[40];
        long[] st = new long[7];
        assertEquals(12, NativeDir.readFile(file, b, 3, 20, st));
        assertEquals("twelve bytes", new String(b, 3, 12, java.nio.charset.StandardCharsets.UTF_8), "at the offset");
        Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino", LinkOption.NOFOLLOW_LINKS);
        java.time.Instant m = ((FileTime) a.get("lastModifiedTime")).toInstant();
        java.time.Instant c = ((FileTime) a.get("ctime")).toInstant();
        assertEquals(List.of(a.get("size"), m.getEpochSecond(), (long) m.getNano(), c.getEpochSecond(), (long) c.getNano(),
                a.get("ino"), 1L), java.util.Arrays.stream(st).boxed().toList(), "the JDK's attributes, and the end reached");
        long[] part = new long[7];
        assertEquals(5, NativeDir.readFile(file, b, 0, 5, part), "no more than asked for");
        assertEquals(0, part[6], "and the end not reached: the caller reads on");
        assertEquals(-2, NativeDir.readFile(dir.resolve("missing"), b, 0, 5, part), "ENOENT");
        Files.createSymbolicLink(dir.resolve("link"), file);
        assertEquals(-40, NativeDir.readFile(dir.resolve("link"), b, 0, 5, part), "ELOOP: a symlink is not followed");
        assertEquals(-22, NativeDir.readFile(file, b, 30, 20, part), "EINVAL: past the array's end");
    }

    @Test
    void aListingForGcLeavesOutBlobsInUseUnlessTheFolderHoldsACopy() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        String used = "a".repeat(38);
        String unused = "b".repeat(38);
        Path blob = Fixtures.write(dir, "fan/" + used, "in use");
        Files.createLink(dir.resolve("tree-link"), blob);
        Fixtures.write(dir, "fan/" + unused, "nothing links here");
        Fixtures.write(dir, "fan/stray-file", "not a blob name");
        Files.createDirectories(dir.resolve("fan/" + "c".repeat(38)));
        Files.createLink(dir.resolve("fan/" + "Z".repeat(38)), blob);
        long[] dropped = new long[1];
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (NativeDir.Child c : NativeDir.list(dir.resolve("fan"), 1, dropped)) {
            names.add(c.name());
        }
        assertEquals(java.util.Set.of(unused, "stray-file", "c".repeat(38), "Z".repeat(38)), names,
                "a folder is no blob, nor a name that is not lowercase hex, whatever their links");
        assertEquals(1, dropped[0]);

        Files.createLink(dir.resolve("fan/" + unused + ".1"), blob);
        dropped[0] = 0;
        assertEquals(6, NativeDir.list(dir.resolve("fan"), 1, dropped).size(), "with a copy there, all are listed");
        assertEquals(0, dropped[0]);
        assertEquals(6, NativeDir.list(dir.resolve("fan")).size());
    }

    @Test
    void aTreeIsRemovedWholeWithoutFollowingASymlinkOutOfIt() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Path outside = Fixtures.write(dir, "outside/keep.txt", "not part of the tree");
        Path tree = dir.resolve("tree");
        Fixtures.write(tree, "a.txt", "a");
        Path ro = Fixtures.write(tree, "sub/deeper/read-only.txt", "r");
        Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        Files.createLink(tree.resolve("sub/hard-link"), outside);
        Files.createSymbolicLink(tree.resolve("sub/to-outside"), dir.resolve("outside"));
        Files.createDirectories(tree.resolve("empty/folder"));
        int fd = NativeDir.open(dir);
        try {
            assertEquals(0, NativeDir.removeTree(fd, "tree"));
            assertFalse(Files.exists(tree, LinkOption.NOFOLLOW_LINKS));
            assertEquals("not part of the tree", Files.readString(outside), "a symlink is removed, not followed");
            assertEquals(2, NativeDir.removeTree(fd, "tree"), "ENOENT: not there, said");
            Files.createSymbolicLink(dir.resolve("swapped"), dir.resolve("outside"));
            assertEquals(20, NativeDir.removeTree(fd, "swapped"), "ENOTDIR: a symlink to a folder is not entered");
            assertEquals(-1, NativeDir.openAt(fd, "swapped"), "nor opened");
            assertTrue(Files.exists(outside));
            int sub = NativeDir.openAt(fd, "outside");
            try {
                assertEquals(20, NativeDir.removeTree(sub, "keep.txt"), "ENOTDIR");
            } finally {
                NativeDir.closeFd(sub);
            }
        } finally {
            NativeDir.closeFd(fd);
        }
    }

    @Test
    void aBlobIsLinkedIntoAnOpenFolderOnlyWhenItIsARegularFileOfTheSizeAsked() throws Exception {
        assumeTrue(Native.loaded(), "no native helper in this run: " + Native.whyNot());
        Path blob = Fixtures.write(dir, "store/blob", "twelve bytes");
        Files.createSymbolicLink(dir.resolve("store/symlink"), blob);
        Files.createDirectories(dir.resolve("store/folder"));
        Files.createDirectories(dir.resolve("tree/sub"));
        int store = NativeDir.open(dir.resolve("store"));
        int tree = NativeDir.openAt(NativeDir.AT_FDCWD, dir.resolve("tree/sub").toString());
        try {
            assertTrue(tree >= 0, "a folder opened by its path");
            assertEquals(NativeDir.NOT_INTACT, NativeDir.linkBlob(store, "blob", 11, tree, "short"), "another size");
            assertEquals(NativeDir.NOT_INTACT, NativeDir.linkBlob(store, "symlink", 12, tree, "link"), "a symlink");
            assertEquals(NativeDir.NOT_INTACT, NativeDir.linkBlob(store, "folder", 0, tree, "dir"), "a folder");
            assertEquals(NativeDir.NOT_INTACT, NativeDir.linkBlob(store, "absent", 12, tree, "gone"), "missing");
            try (var left = Files.list(dir.resolve("tree/sub"))) {
                assertEquals(0, left.count(), "nothing linked for any of them");
            }
            assertEquals(0, NativeDir.linkBlob(store, "blob", 12, tree, "a"));
            assertEquals(0, NativeDir.linkBlob(store, "blob", -1, tree, "b"), "no size: not looked at");
            assertEquals(NativeDir.EEXIST, NativeDir.linkBlob(store, "blob", 12, tree, "a"), "a taken name is refused");
            assertEquals(2, NativeDir.linkBlob(store, "absent", -1, tree, "c"), "ENOENT when not looked at first");
            assertEquals(0, NativeDir.linkBlob(store, "blob", 12, NativeDir.AT_FDCWD, dir.resolve("tree/c").toString()),
                    "a path where no folder is open");
            assertEquals(4, Files.getAttribute(blob, "unix:nlink"), "hard links, one inode");
            assertEquals("twelve bytes", Files.readString(dir.resolve("tree/sub/a")));
            Files.createSymbolicLink(dir.resolve("tree/to-sub"), dir.resolve("tree/sub"));
            assertEquals(-1, NativeDir.openAt(NativeDir.AT_FDCWD, dir.resolve("tree/to-sub").toString()),
                    "a symlink at a path's end is not opened");
        } finally {
            NativeDir.closeFd(store);
            NativeDir.closeFd(tree);
        }
    }
}
