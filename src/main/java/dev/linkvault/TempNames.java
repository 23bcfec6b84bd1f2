package dev.linkvault;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name of a temporary file written beside its target and renamed onto it: hidden,
 * recognisable, and always within the 255-byte limit of a file name, whatever the target's.
 */
public final class TempNames {
    private static final int NAME_MAX = 255;

    private TempNames() {}

    /** {@code .<name><suffix>}, or, when that would pass 255 bytes, {@code .<suffix>-<hash of name>}. */
    public static Path beside(Path target, String suffix) {
        String name = target.getFileName().toString();
        String plain = "." + name + suffix;
        if (plain.getBytes(StandardCharsets.UTF_8).length <= NAME_MAX) {
            return target.resolveSibling(plain);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-1").digest(name.getBytes(StandardCharsets.UTF_8));
            return target.resolveSibling("." + suffix.replaceFirst("^\\.", "") + "-" + HexFormat.of().formatHex(h));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code name} is one that {@link #beside} makes with {@code suffix}: a leftover of a crash. */
    public static boolean isTemp(String name, String suffix) {
        return name.startsWith(".") && (name.endsWith(suffix) && name.length() > suffix.length() + 1
                || name.matches("\\." + java.util.regex.Pattern.quote(suffix.replaceFirst("^\\.", "")) + "-[0-9a-f]{40}"));
    }
}
