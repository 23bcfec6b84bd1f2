package dev.linkvault.source;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Include/ignore rules with Python {@code re.match} semantics: a pattern matches when it matches
 * at the start of the relative POSIX path (it need not reach the end). Ignore wins over include;
 * with includes, only matching paths are kept.
 */
public final class PathFilter {
    /** Always ignored: macOS folder metadata and iCloud's in-flight download markers. */
    public static final List<String> BUILT_IN_IGNORES = List.of(".*\\.DS_Store", ".*\\.com-apple-bird.*");

    private final List<Rule> includes;
    private final List<Rule> ignores;

    /** One pattern, asked whether it matches at the start of a path ({@code re.match}). */
    private interface Rule {
        boolean matchesStartOf(String path);
    }

    private PathFilter(List<Rule> includes, List<Rule> ignores) {
        this.includes = includes;
        this.ignores = ignores;
    }

    /** Keeps everything, built-in ignores included: for reading back a snapshot tree. */
    public static PathFilter none() {
        return new PathFilter(List.of(), List.of());
    }

    /**
     * Compiles the patterns.
     *
     * @throws IllegalArgumentException naming the pattern that does not compile
     */
    public static PathFilter of(List<String> include, List<String> ignore) {
        List<String> allIgnores = new ArrayList<>(BUILT_IN_IGNORES);
        allIgnores.addAll(ignore);
        return new PathFilter(compile(include), compile(allIgnores));
    }

    private static List<Rule> compile(List<String> regexes) {
        List<Rule> out = new ArrayList<>();
        for (String r : regexes) {
            try {
                Pattern pattern = Pattern.compile(r);
                String literal = anywhere(r);
                out.add(literal != null ? path -> containsOnFirstLine(path, literal) : path -> pattern.matcher(path).lookingAt());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pattern '" + r + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        return List.copyOf(out);
    }

    /**
     * For a pattern {@code .*LITERAL} or {@code .*LITERAL.*} (the built-in ignores, and most
     * "anywhere" rules), the literal: such a pattern matches the start of a path exactly when the
     * literal occurs before the path's first line terminator (which {@code .} does not cross).
     * Null for any other pattern, which the regex engine then runs: every entry of every snapshot
     * is asked, and the engine's backtracking over {@code .*} cost the scan 8% of its time.
     */
    static String anywhere(String regex) {
        if (!regex.startsWith(".*")) {
            return null;
        }
        String body = regex.substring(2);
        if (body.endsWith(".*") && !body.endsWith("\\.*")) {
            body = body.substring(0, body.length() - 2);
        }
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\') {
                if (i + 1 == body.length()) {
                    return null;
                }
                char next = body.charAt(++i);
                if (Character.isLetterOrDigit(next) || next > 127) {
                    return null; // \d, \Q, \1...: not a plain character
                }
                literal.append(next);
            } else if ("^$.|?*+()[]{}".indexOf(c) >= 0) {
                return null;
            } else {
                literal.append(c);
            }
        }
        return literal.length() == 0 ? null : literal.toString();
    }

    private static boolean containsOnFirstLine(String path, String literal) {
        int at = path.indexOf(literal);
        if (at < 0) {
            return false;
        }
        for (int i = 0; i < at; i++) {
            char c = path.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatch(List<Rule> patterns, String path) {
        for (Rule p : patterns) {
            if (p.matchesStartOf(path)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a file or symlink at this relative path is kept. */
    public boolean keeps(String relPath) {
        if (anyMatch(ignores, relPath)) {
            return false;
        }
        return includes.isEmpty() || anyMatch(includes, relPath);
    }

    /** Whether a whole directory is left out: an ignore pattern matches "dir" or "dir/". */
    public boolean prunes(String relDir) {
        return anyMatch(ignores, relDir) || anyMatch(ignores, relDir + "/");
    }

    /** Whether a directory that ends up with nothing kept in it is still kept (as an empty folder). */
    public boolean keepsEmptyDir(String relDir) {
        return includes.isEmpty() || anyMatch(includes, relDir) || anyMatch(includes, relDir + "/");
    }
}
