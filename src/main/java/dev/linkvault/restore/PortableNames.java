package dev.linkvault.restore;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * File names as Windows, SMB shares, NTFS, FAT and exFAT take them: none of {@code < > : " / \ | ? *}
 * or control characters, no trailing dot or space, none of the reserved device names (CON, PRN,
 * AUX, NUL, COM0-9, LPT0-9, also with an extension). The one place these rules are written.
 */
public final class PortableNames {
    private static final Pattern RESERVED = Pattern.compile("(?i)(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\\..*)?");

    private PortableNames() {}

    /** Why such a target would refuse {@code name}, or null when it would take it. */
    public static String problem(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20) {
                return "holds a control character";
            }
            if ("<>:\"/\\|?*".indexOf(c) >= 0) {
                return "holds '" + c + "'";
            }
        }
        if (name.endsWith(".") || name.endsWith(" ")) {
            return "ends with a " + (name.endsWith(".") ? "dot" : "space");
        }
        if (RESERVED.matcher(name).matches()) {
            return "is a reserved device name";
        }
        return null;
    }

    /** {@code name} made acceptable: each forbidden character, and a trailing dot or space, becomes '_'; a device name gets a leading '_'. */
    public static String fix(String name) {
        if (problem(name) == null) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c < 0x20 || "<>:\"/\\|?*".indexOf(c) >= 0 ? '_' : c);
        }
        int end = sb.length();
        while (end > 0 && (sb.charAt(end - 1) == '.' || sb.charAt(end - 1) == ' ')) {
            sb.setCharAt(--end, '_');
        }
        String out = sb.toString();
        return RESERVED.matcher(out).matches() ? "_" + out : out;
    }

    /** How two names compare on a case-insensitive target. */
    static String folded(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
