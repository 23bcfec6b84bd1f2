package dev.linkvault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The words for why an I/O operation failed, shared by every message that reports one: the
 * operating system's reason ("permission denied", "no space left on device", "read-only file
 * system"), never an exception's class name or a bare path. Java's file exceptions carry the
 * path as their message and the reason apart; this puts them back together.
 */
public final class IoErrors {
    private IoErrors() {}

    /** The reason alone, lower case: {@code permission denied}. */
    public static String reason(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return reason(u.getCause());
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "folder not empty";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return lowerFirst(f.getReason());
        }
        if (e instanceof FileSystemException) {
            return "failed";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : lowerFirst(m);
    }

    /**
     * The reason a source's file could not be read: as {@link #reason}, but a file that is gone
     * by the time it is read "vanished while being read" (it was listed a moment before).
     */
    public static String readReason(Exception e) {
        return e instanceof NoSuchFileException ? "vanished while being read" : reason(e);
    }

    /**
     * {@code <path>: <reason>} for a file exception (the path it names, the other path too for a
     * move or link), else the reason.
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason(e);
        }
        return reason(e);
    }

    /** The reason and, where there is one, the fix: {@code permission denied; check the permissions ...}. */
    public static String reasonAndFix(Throwable e) {
        return reason(e) + fix(e);
    }

    /** A hint for the reasons that have one, with a leading "; ", else "". */
    public static String fix(Throwable e) {
        String r = reason(e);
        if (e instanceof AccessDeniedException || r.equals("permission denied") || r.equals("operation not permitted")) {
            return "; check the permissions (ls -ld) or run as a user who may write there";
        }
        if (r.equals("read-only file system")) {
            return "; choose a place on a writable file system, or remount it read-write";
        }
        if (r.equals("no space left on device") || r.equals("disk quota exceeded")) {
            return "; free some space (df -h) and run it again";
        }
        return "";
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() || s.length() > 1 && Character.isUpperCase(s.charAt(1)) ? s
                : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
