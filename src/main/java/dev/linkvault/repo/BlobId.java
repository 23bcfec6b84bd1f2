package dev.linkvault.repo;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The name of a stored content: its SHA-1, plus its SHA-256 only when another content with the
 * same SHA-1 was stored first (a SHA-1 collision). Rendered as {@code <sha1>} or
 * {@code <sha1>-<sha256>}.
 */
public record BlobId(String sha1, String collisionSha256) {
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** SHA-1 of zero bytes; empty files are created in trees, never stored as blobs. */
    public static final BlobId EMPTY = new BlobId("da39a3ee5e6b4b0d3255bfef95601890afd80709", null);

    public BlobId {
        if (!HEX40.matcher(sha1).matches()) {
            throw new IllegalArgumentException("not a SHA-1: " + sha1);
        }
        if (collisionSha256 != null && !HEX64.matcher(collisionSha256).matches()) {
            throw new IllegalArgumentException("not a SHA-256: " + collisionSha256);
        }
    }

    public static BlobId parse(String s) {
        int dash = s.indexOf('-');
        return dash < 0 ? new BlobId(s, null) : new BlobId(s.substring(0, dash), s.substring(dash + 1));
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }

    public boolean isCollisionVariant() {
        return collisionSha256 != null;
    }

    /** Where this blob lives below {@code .data/sha1}: two hex characters, then the rest. */
    public Path under(Path sha1Dir) {
        String rest = sha1.substring(2) + (collisionSha256 == null ? "" : "-" + collisionSha256);
        return sha1Dir.resolve(sha1.substring(0, 2)).resolve(rest);
    }

    @Override
    public String toString() {
        return collisionSha256 == null ? sha1 : sha1 + "-" + collisionSha256;
    }
}
