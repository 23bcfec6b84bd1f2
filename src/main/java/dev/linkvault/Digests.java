package dev.linkvault;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Message digests by name, for the store (SHA-1, SHA-256) and the sources' checks (MD5 of ETags):
 * libcrypto's through the native helper when it is loaded ({@link NativeDigest}), else the JDK's.
 */
public final class Digests {
    private Digests() {}

    public static MessageDigest of(String algorithm) {
        MessageDigest fast = NativeDigest.of(algorithm);
        if (fast != null) {
            return fast;
        }
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
