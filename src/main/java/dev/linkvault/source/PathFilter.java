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

    private final List<Pattern> includes;
    private final List<Pattern> ignores;

    private PathFilter(List<Pattern> includes, List<Pattern> ignores) {
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

    private static List<Pattern> compile(List<String> regexes) {
        List<Pattern> out = new ArrayList<>();
        for (String r : regexes) {
            try {
                out.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pattern '" + r + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        return List.copyOf(out);
    }

    private static boolean anyMatch(List<Pattern> patterns, String path) {
        for (Pattern p : patterns) {
            if (p.matcher(path).lookingAt()) {
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
