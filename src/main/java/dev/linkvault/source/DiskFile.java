package dev.linkvault.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A file on a disk of this machine, read as it is (never through a symlink), then asked whether
 * it changed meanwhile by taking its fingerprint again.
 */
public record DiskFile(Path path, Fingerprinter fingerprinter) implements Content {
    /** How a source fingerprints one of its files. */
    public interface Fingerprinter {
        String of(Path file) throws IOException;
    }

    @Override
    public InputStream open() throws IOException {
        return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean stillMatches(String fingerprint) throws IOException {
        return fingerprinter.of(path).equals(fingerprint);
    }
}
