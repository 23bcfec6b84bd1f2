package dev.linkvault.restore;

import dev.linkvault.RelPath;
import dev.linkvault.UserError;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Which paths of a snapshot a restore takes: {@code --include GLOB} and {@code --exclude GLOB},
 * each given any number of times. A pattern without {@code /} matches a name at any depth
 * ({@code *.pdf}); one with {@code /} matches the whole path from the snapshot's top
 * ({@code docs/** /tax/*}, {@code **} crossing folders). A path is excluded when it or a folder
 * above it matches an exclude; with includes, only what matches one, or lies below a folder that
 * does, is taken (the folders leading to it are made).
 */
public final class Selection {
    private static final Selection ALL = new Selection(List.of(), List.of());
    private final List<PathMatcher> includes;
    private final List<PathMatcher> excludes;
    private final List<Boolean> includeWhole;
    private final List<Boolean> excludeWhole;

    private Selection(List<String> includes, List<String> excludes) {
        this.includes = new ArrayList<>();
        this.excludes = new ArrayList<>();
        this.includeWhole = new ArrayList<>();
        this.excludeWhole = new ArrayList<>();
        compile(includes, this.includes, includeWhole, "--include");
        compile(excludes, this.excludes, excludeWhole, "--exclude");
    }

    public static Selection all() {
        return ALL;
    }

    public static Selection of(List<String> includes, List<String> excludes) {
        return includes.isEmpty() && excludes.isEmpty() ? ALL : new Selection(includes, excludes);
    }

    private static void compile(List<String> globs, List<PathMatcher> out, List<Boolean> whole, String option) {
        for (String g : globs) {
            try {
                out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            } catch (IllegalArgumentException e) { // PatternSyntaxException among them
                throw new UserError(option + " " + g + " is not a glob pattern: " + e.getMessage().lines().findFirst().orElse(""));
            }
            whole.add(g.contains("/"));
        }
    }

    /** Whether nothing is left out. */
    public boolean takesAll() {
        return this == ALL;
    }

    /** Whether a path (from the snapshot's top) is taken. */
    public boolean takes(RelPath p) {
        if (this == ALL) {
            return true; // every path of a plain restore: no prefix to build and match
        }
        boolean included = includes.isEmpty();
        for (int depth = 1; depth <= p.depth(); depth++) {
            RelPath prefix = RelPath.of(p.parts().subList(0, depth));
            if (matches(excludes, excludeWhole, prefix)) {
                return false;
            }
            included |= matches(includes, includeWhole, prefix);
        }
        return included;
    }

    /** Whether the path itself (not a folder above it) matches one of the include patterns. */
    public boolean includesItself(RelPath p) {
        return matches(includes, includeWhole, p);
    }

    private static boolean matches(List<PathMatcher> ms, List<Boolean> whole, RelPath p) {
        for (int i = 0; i < ms.size(); i++) {
            Path candidate = whole.get(i) ? Path.of(p.toString()) : Path.of(p.name());
            if (ms.get(i).matches(candidate)) {
                return true;
            }
        }
        return false;
    }
}
