package dev.linkvault.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** SHA-1, SHA-256 and size of a stored file, read once: what names a blob and tells collisions apart. */
public record ContentHash(String sha1, String sha256, long size) {
    private static final int BUFFER = 256 * 1024;

    public static ContentHash of(Path file) throws IOException {
        MessageDigest sha1 = dev.linkvault.Digests.of("SHA-1");
        MessageDigest sha256 = dev.linkvault.Digests.of("SHA-256");
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha1.update(buf, 0, n);
                sha256.update(buf, 0, n);
                size += n;
            }
        }
        return new ContentHash(HexFormat.of().formatHex(sha1.digest()), HexFormat.of().formatHex(sha256.digest()), size);
    }

    /** Whether this content is the one blob {@code id} names. */
    public boolean matches(BlobId id) {
        return sha1.equals(id.sha1()) && (!id.isCollisionVariant() || sha256.equals(id.collisionSha256()));
    }
}
