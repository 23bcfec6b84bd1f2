package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing a snapshot's tree (forget, leftovers): all of it goes, nothing a symlink in it points at does. */
class DeleteTreeTest {
    @TempDir
    Path dir;

    @Test
    void aWholeTreeGoesWithReadOnlyFilesAndNothingBehindItsSymlinks() throws IOException {
        Path tree = dir.resolve("tree");
        removedWholeLeavingOutsideAlone(tree, tree);
    }

    @Test
    void aTreeOfOneFolderPerLevelAtTheTopGoesWholeToo() throws IOException {
        // as a forgotten snapshot's: one folder per source, its folders below removed in parallel
        Path tree = dir.resolve("snapshot");
        Path inner = Files.createDirectories(tree.resolve("src/only"));
        Files.writeString(tree.resolve("src/beside-only"), "b");
        removedWholeLeavingOutsideAlone(tree, inner);
    }

    private void removedWholeLeavingOutsideAlone(Path top, Path tree) throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(outside.resolve("inner"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        for (int a = 0; a < 6; a++) {           // several top-level folders: they are removed in parallel
            for (int b = 0; b < 3; b++) {
                Path d = Files.createDirectories(tree.resolve("d" + a + "/e" + b + "/f"));
                for (int i = 0; i < 20; i++) {
                    Path f = Files.writeString(d.resolve("x" + i), "x");
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
                }
            }
        }
        Files.createDirectories(tree.resolve("empty/deeper"));
        Files.writeString(tree.resolve("top-file"), "t");
        Files.createSymbolicLink(tree.resolve("d0/to-outside-dir"), outside);
        Files.createSymbolicLink(tree.resolve("to-outside-file"), outside.resolve("keep.txt"));
        Files.createSymbolicLink(tree.resolve("d1/dangling"), dir.resolve("nowhere"));

        Repository.deleteTree(top);

        assertFalse(Files.exists(top, LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(outside.resolve("keep.txt")), "a symlink's target is never touched");
        assertTrue(Files.isDirectory(outside.resolve("inner")));
    }

    @Test
    void aMissingTreeIsFineAndAFileOrASymlinkIsRemovedItself() throws IOException {
        Repository.deleteTree(dir.resolve("none"));
        Path f = Files.writeString(dir.resolve("f"), "f");
        Repository.deleteTree(f);
        assertFalse(Files.exists(f));
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.writeString(target.resolve("keep"), "k");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        Repository.deleteTree(link);
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        assertEquals("k", Files.readString(target.resolve("keep")));
    }
}
