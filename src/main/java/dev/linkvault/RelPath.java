package dev.linkvault;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A path inside a snapshot, as validated components. Built only through {@link #of}, which
 * refuses every name that could escape the directory it is written under.
 */
public final class RelPath implements Comparable<RelPath> {
    /** Longest file name most filesystems accept (ext4, XFS, btrfs: 255 bytes). */
    public static final int MAX_NAME_BYTES = 255;

    private static final RelPath ROOT = new RelPath(List.of());
    private final List<String> parts;

    private RelPath(List<String> parts) {
        this.parts = parts;
    }

    public static RelPath root() {
        return ROOT;
    }

    /** Validates untrusted components; throws {@link BadNameException} naming the first bad one. */
    public static RelPath of(List<String> components) {
        for (String c : components) {
            String why = problem(c);
            if (why != null) {
                throw new BadNameException(display(components), why);
            }
        }
        return new RelPath(List.copyOf(components));
    }

    /** Parses a slash-separated path typed by a user (leading/trailing/double slashes ignored). */
    public static RelPath parse(String slashPath) {
        List<String> out = new ArrayList<>();
        for (String c : slashPath.split("/", -1)) {
            if (!c.isEmpty() && !c.equals(".")) {
                out.add(c);
            }
        }
        return of(out);
    }

    static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "empty name";
        }
        if (name.equals(".") || name.equals("..")) {
            return "name '" + name + "' is not allowed";
        }
        if (name.indexOf('/') >= 0) {
            return "name contains '/'";
        }
        if (name.indexOf('\0') >= 0) {
            return "name contains a NUL byte";
        }
        // A UTF-16 char takes at most 3 bytes in UTF-8 (a surrogate pair 4 for 2 chars).
        int bytes = name.length() * 3 <= MAX_NAME_BYTES ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return "name is " + bytes + " bytes long, the limit is " + MAX_NAME_BYTES;
        }
        return null;
    }

    /**
     * A usable name for an untrusted one: {@code name} itself when it is fine, else '/' and NUL
     * replaced by '_', "." and ".." prefixed with '_', an empty name replaced by "[no name]", and
     * a name too long cut short and given {@code tag} (see {@link #tagged}).
     */
    public static String repair(String name, String tag) {
        if (problem(name) == null) {
            return name;
        }
        if (name == null || name.isEmpty()) {
            return tagged("[no name]", tag);
        }
        if (name.equals(".") || name.equals("..")) {
            return "_" + name;
        }
        String r = name.replace('/', '_').replace('\0', '_');
        return problem(r) == null ? r : tagged(r, tag);
    }

    /**
     * {@code name} told apart by {@code tag}: "IMG_1.jpg" with tag "x7" becomes "IMG_1~x7.jpg"
     * (before a short extension), cut short where needed to stay within {@link #MAX_NAME_BYTES}.
     */
    public static String tagged(String name, String tag) {
        int dot = name.lastIndexOf('.');
        boolean ext = dot > 0 && name.length() - dot <= 16 && name.indexOf(' ', dot) < 0;
        String stem = ext ? name.substring(0, dot) : name;
        String suffix = "~" + tag + (ext ? name.substring(dot) : "");
        int room = MAX_NAME_BYTES - suffix.getBytes(StandardCharsets.UTF_8).length;
        while (stem.getBytes(StandardCharsets.UTF_8).length > room) {
            int cut = stem.offsetByCodePoints(stem.length(), -1);
            stem = stem.substring(0, cut);
        }
        return stem + suffix;
    }

    /** A readable rendering of raw components: control characters escaped, parts joined by '/'. */
    public static String display(List<String> components) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < components.size(); i++) {
            if (i > 0) {
                sb.append('/');
            }
            String c = components.get(i);
            if (c == null) {
                sb.append("<null>");
                continue;
            }
            if (c.isEmpty()) {
                sb.append("<empty>");
                continue;
            }
            c.codePoints().forEach(cp -> {
                if (cp == 0) {
                    sb.append("\\0");
                } else if (cp < 0x20 || cp == 0x7f) {
                    sb.append(String.format("\\x%02x", cp));
                } else {
                    sb.appendCodePoint(cp);
                }
            });
        }
        return sb.toString();
    }

    public List<String> parts() {
        return Collections.unmodifiableList(parts);
    }

    public boolean isRoot() {
        return parts.isEmpty();
    }

    public int depth() {
        return parts.size();
    }

    public String name() {
        return parts.isEmpty() ? "" : parts.get(parts.size() - 1);
    }

    public RelPath parent() {
        return parts.isEmpty() ? this : new RelPath(parts.subList(0, parts.size() - 1));
    }

    /** True if {@code other} is this path or lies below it. */
    public boolean contains(RelPath other) {
        return other.parts.size() >= parts.size() && other.parts.subList(0, parts.size()).equals(parts);
    }

    /** Resolves below {@code root}; safe because every component was validated. */
    public Path under(Path root) {
        // one resolve of the joined parts: no part holds a '/' or is empty, '.' or '..', so it is
        // the same path as resolving part by part, without a Path made for each
        return parts.isEmpty() ? root : root.resolve(parts.size() == 1 ? parts.get(0) : String.join("/", parts));
    }

    @Override
    public String toString() {
        return String.join("/", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelPath r && r.parts.equals(parts);
    }

    @Override
    public int hashCode() {
        return parts.hashCode();
    }

    @Override
    public int compareTo(RelPath o) {
        return toString().compareTo(o.toString());
    }
}
