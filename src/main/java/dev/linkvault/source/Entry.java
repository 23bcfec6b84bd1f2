package dev.linkvault.source;

import java.time.Instant;
import java.util.List;

/**
 * One thing a source offers: a file, a directory or a symlink, with its raw (untrusted) path
 * components relative to the snapshot folder: the first is the source's top folder.
 *
 * @param key         what identifies this object in the source across runs (local: the path)
 * @param fingerprint what changes when the content may have changed (local: size, mtime, ctime, inode)
 * @param knownSha1   a SHA-1 the source claims for the content, or null; advisory only
 */
public record Entry(
        List<String> path,
        Type type,
        long size,
        Instant mtime,
        int mode,
        String key,
        String fingerprint,
        String knownSha1,
        String linkTarget,
        Content content,
        String mark) {

    public enum Type { FILE, DIR, SYMLINK }

    public Entry(List<String> path, Type type, long size, Instant mtime, int mode, String key, String fingerprint,
                 String knownSha1, String linkTarget, Content content) {
        this(path, type, size, mtime, mode, key, fingerprint, knownSha1, linkTarget, content, null);
    }

    /** This entry with a note the manifest keeps beside its line (an {@code N} line: an encrypted content). */
    public Entry withMark(String note) {
        return new Entry(path, type, size, mtime, mode, key, fingerprint, knownSha1, linkTarget, content, note);
    }

    public static Entry dir(List<String> path, Instant mtime, int mode) {
        return new Entry(path, Type.DIR, 0, mtime, mode, null, null, null, null, null);
    }

    public static Entry symlink(List<String> path, Instant mtime, int mode, String target) {
        return new Entry(path, Type.SYMLINK, target.length(), mtime, mode, null, null, null, target, null);
    }

    public static Entry file(List<String> path, long size, Instant mtime, int mode, String key,
                             String fingerprint, String knownSha1, Content content) {
        return new Entry(path, Type.FILE, size, mtime, mode, key, fingerprint, knownSha1, null, content);
    }
}
