package dev.linkvault.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules follow Python's re.match on the relative POSIX path, as nextcloud-s3-backup's users know them. */
class PathFilterTest {
    @ParameterizedTest(name = "include={0} ignore={1} path={2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            -           | .*\\.tmp$      | a/b.tmp          | false
            -           | .*\\.tmp$      | a/b.tmp.txt      | true
            -           | \\.tmp$        | a/b.tmp          | true
            -           | b.tmp          | a/b.tmp          | true
            -           | a/             | a/b.txt          | false
            -           | a              | ab/c.txt         | false
            -           | -              | x/.DS_Store      | false
            -           | -              | .DS_Store        | false
            -           | -              | a/.com-apple-bird-tmp/x | false
            -           | -              | a/readme.txt     | true
            docs/       | -              | docs/a.pdf       | true
            docs/       | -              | other/a.pdf      | false
            .*\\.pdf    | -              | deep/x/y.pdf     | true
            .*\\.pdf    | -              | deep/x/y.pdf.txt | true
            .*\\.pdf$   | -              | deep/x/y.pdf.txt | false
            .*\\.pdf    | secret/        | secret/y.pdf     | false
            """)
    void matchesAtTheStartLikePythonsReMatchAndIgnoreWins(String include, String ignore, String path, boolean kept) {
        PathFilter f = PathFilter.of(include.equals("-") ? List.of() : List.of(include),
                ignore.equals("-") ? List.of() : List.of(ignore));
        assertEquals(kept, f.keeps(path));
    }

    @ParameterizedTest(name = "ignore={0} prunes folder {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            build/         | build      | true
            build/         | src/build  | false
            .*/build/      | src/build  | true
            .*\\.tmp$      | cache.tmp  | true
            .*\\.tmp$      | keep       | false
            """)
    void aFolderIsLeftOutWholeWhenAnIgnoreMatchesItsPathOrItsPathWithASlash(String ignore, String dir, boolean pruned) {
        assertEquals(pruned, PathFilter.of(List.of(), List.of(ignore)).prunes(dir));
    }

    @org.junit.jupiter.api.Test
    void aBadPatternIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PathFilter.of(List.of("[unclosed"), List.of()));
        assertEquals(true, e.getMessage().contains("'[unclosed'"));
    }

    @org.junit.jupiter.api.Test
    void aPatternRunWithoutTheRegexEngineDecidesAsTheEngineDoes() {
        List<String> patterns = List.of(".*\\.DS_Store", ".*\\.com-apple-bird.*", ".*foo", ".*a\\.b.*", ".*x\\-y\\/z",
                ".*\\.tmp$", ".*\\d", ".*?foo", ".*\\.*", ".*[ab]", ".*", "foo.*");
        List<String> paths = List.of("foo", "a/foo", "a/.DS_Store", ".DS_Store/x", "a\nb/.DS_Store", "a\rb/foo", "ab.b",
                "a.b", "x/a.b/c", "x-y/z", "x-y/zz", "q/.com-apple-bird-123/f", "q\u2028/foo", "", "DS_Store", "1.tmp");
        for (String pattern : patterns) {
            java.util.regex.Pattern engine = java.util.regex.Pattern.compile(pattern);
            for (String path : paths) {
                boolean builtIn = PathFilter.BUILT_IN_IGNORES.stream()
                        .anyMatch(b -> java.util.regex.Pattern.compile(b).matcher(path).lookingAt());
                assertEquals(builtIn || engine.matcher(path).lookingAt(), !PathFilter.of(List.of(), List.of(pattern)).keeps(path),
                        pattern + " on " + path.replace("\n", "\\n"));
            }
        }
        assertEquals(".DS_Store", PathFilter.anywhere(".*\\.DS_Store"));
        assertEquals(".com-apple-bird", PathFilter.anywhere(".*\\.com-apple-bird.*"));
        assertEquals(null, PathFilter.anywhere(".*\\.tmp$"), "an anchor: left to the engine");
        assertEquals(null, PathFilter.anywhere(".*\\d"), "a class escape: left to the engine");
    }
}
