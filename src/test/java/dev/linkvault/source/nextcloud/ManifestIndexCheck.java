package dev.linkvault.source.nextcloud;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a manifest's index as a test: whether every top folder's lines were written in order. */
final class ManifestIndexCheck {
    private ManifestIndexCheck() {}

    static boolean sorted(Path manifest) throws java.io.IOException {
        for (String line : Files.readAllLines(manifest.resolveSibling(manifest.getFileName() + ".idx"))) {
            if (line.startsWith("S\t") && line.split("\t")[3].equals("0")) {
                return false;
            }
        }
        return true;
    }
}
