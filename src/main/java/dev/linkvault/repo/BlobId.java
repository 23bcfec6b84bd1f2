package dev.linkvault.repo;

import java.nio.file.Path;

/**
 * The name of a stored content: its SHA-1, plus its SHA-256 only when another content with the
 * same SHA-1 was stored first (a SHA-1 collision). Rendered as {@code <sha1>} or
 * {@code <sha1>-<sha256>}.
 */
public record BlobId(String sha1, String collisionSha256) {
    /** SHA-1 of zero bytes; empty files are created in trees, never stored as blobs. */
    public static final BlobId EMPTY = new BlobId("da39a3ee5e6b4b0d3255bfef95601890afd80709", null);

    public BlobId {
        if (!isHex(sha1, 40)) {
            throw new IllegalArgumentException("not a SHA-1: " + sha1);
        }
        if (collisionSha256 != null && !isHex(collisionSha256, 64)) {
            throw new IllegalArgumentException("not a SHA-256: " + collisionSha256);
        }
    }

    private static boolean isHex(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
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
        return sha1Dir.resolve(sha1.substring(0, 2)).resolve(name());
    }

    /** The blob's file name in its fan-out folder {@code <first 2 hex>}. */
    public String name() {
        return collisionSha256 == null ? sha1.substring(2) : sha1.substring(2) + "-" + collisionSha256;
    }

    @Override
    public String toString() {
        return collisionSha256 == null ? sha1 : sha1 + "-" + collisionSha256;
    }

    // Written out rather than the record's generated ones: their first call sets up an
    // invokedynamic bootstrap (java.lang.runtime.ObjectMethods) that cost a command ~35 ms.
    @Override
    public boolean equals(Object o) {
        return o instanceof BlobId b && sha1.equals(b.sha1) && java.util.Objects.equals(collisionSha256, b.collisionSha256);
    }

    @Override
    public int hashCode() {
        return 31 * sha1.hashCode() + (collisionSha256 == null ? 0 : collisionSha256.hashCode());
    }
}
