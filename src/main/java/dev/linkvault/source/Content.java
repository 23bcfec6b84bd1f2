package dev.linkvault.source;

import java.io.IOException;
import java.io.InputStream;

/** How to read a file's bytes from its source. */
public interface Content {
    InputStream open() throws IOException;

    /**
     * Whether the object still has the fingerprint it was listed with, asked after reading it:
     * a file that changed while being read must not be remembered under the old fingerprint.
     */
    default boolean stillMatches(String fingerprint) throws IOException {
        return true;
    }

    /**
     * What names this exact object version at its store (an S3 ETag), if the source can tell
     * without reading it, or null. Asked only for files the catalog does not know.
     */
    default String knownEtag() throws IOException {
        return null;
    }

    /** After a complete read: the ETag the store sent with the bytes, or null. */
    default String readEtag() {
        return null;
    }
}
