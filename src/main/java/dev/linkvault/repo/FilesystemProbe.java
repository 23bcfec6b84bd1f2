package dev.linkvault.repo;

import dev.linkvault.IoErrors;
import dev.linkvault.UserError;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any work, that the repository's filesystem does what the format needs: hard
 * links work, and {@code .data} and {@code snapshots} are one filesystem (a link from one to the
 * other is the proof).
 */
public final class FilesystemProbe {
    private FilesystemProbe() {}

    /** What makes {@code tmpDir}'s repository unusable, one line, or null when hard links work there. */
    public static String problem(Path tmpDir, Path snapshotsDir) {
        try {
            check(tmpDir, snapshotsDir);
            return null;
        } catch (UserError e) {
            return e.getMessage();
        }
    }

    private static boolean linksWorkWithin(Path dir, Path file) {
        Path twin = dir.resolve(file.getFileName() + ".twin");
        try {
            Files.createLink(twin, file);
            Files.delete(twin);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static void check(Path tmpDir, Path snapshotsDir) {
        Path a = null;
        Path b = snapshotsDir.resolve(".linkvault-probe-" + dev.linkvault.Pid.current() + "-" + System.nanoTime());
        try {
            a = Files.createTempFile(tmpDir, "probe-", ".tmp");
            try {
                Files.createLink(b, a);
            } catch (java.nio.file.AccessDeniedException e) {
                throw e;
            } catch (FileSystemException | UnsupportedOperationException e) {
                // Decided by what the filesystem does, not by the error's text (which is in the
                // user's language): if a link inside .data/tmp works, the two folders are apart.
                if (linksWorkWithin(tmpDir, a)) {
                    throw new UserError(snapshotsDir + " and " + tmpDir.getParent() + " are on different filesystems"
                            + " (or mount points); hard links cannot join them: keep the whole repository on one filesystem");
                }
                String reason = e instanceof FileSystemException f ? " (" + IoErrors.reason(f) + ")" : "";
                throw new UserError("the filesystem of " + tmpDir.getParent().getParent()
                        + " does not support hard links" + reason + "; use ext4, XFS, btrfs, ZFS, NFS or CephFS");
            }
            Object links = Files.getAttribute(a, "unix:nlink");
            if (!Integer.valueOf(2).equals(links)) {
                throw new UserError("the filesystem of " + tmpDir.getParent().getParent()
                        + " accepted a hard link but reports " + links + " links instead of 2; it cannot hold a repository");
            }
        } catch (IOException e) {
            throw new UserError("cannot write to repository " + tmpDir.getParent().getParent() + ": "
                    + dev.linkvault.IoErrors.reasonAndFix(e), e);
        } finally {
            try {
                Files.deleteIfExists(b);
                if (a != null) {
                    Files.deleteIfExists(a);
                }
            } catch (IOException ignored) {
                // a leftover probe file is harmless and the next tmp cleanup removes it
            }
        }
    }
}
