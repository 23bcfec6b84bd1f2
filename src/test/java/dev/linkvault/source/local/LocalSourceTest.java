package dev.linkvault.source.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.linkvault.Fixtures;
import dev.linkvault.source.Entry;
import dev.linkvault.source.PathFilter;
import dev.linkvault.source.Sink;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSourceTest {
    @TempDir
    Path src;
    final List<String> seen = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    private void scan(List<String> include, List<String> ignore) throws Exception {
        new LocalSource("s", src, PathFilter.of(include, ignore)).scan(new Sink() {
            @Override
            public void entry(Entry e) {
                seen.add(e.type().name().charAt(0) + " " + String.join("/", e.path().subList(1, e.path().size())));
            }

            @Override
            public void error(List<String> path, String message) {
                seen.add("error " + String.join("/", path) + ": " + message);
            }

            @Override
            public void note(List<String> path, String message) {
                notes.add(String.join("/", path.subList(1, path.size())) + ": " + message);
            }
        });
    }

    @Test
    void walksInNameOrderParentsFirstAndKeepsEmptyFolders() throws Exception {
        Fixtures.write(src, "b/2.txt", "2");
        Fixtures.write(src, "b/1.txt", "1");
        Fixtures.write(src, "a.txt", "a");
        Files.createDirectories(src.resolve("empty"));
        scan(List.of(), List.of());
        assertEquals(List.of("D ", "F a.txt", "D b", "F b/1.txt", "F b/2.txt", "D empty"), seen);
    }

    @Test
    void withIncludesOnlyMatchingFilesAndTheFoldersThatLeadToThemAreKept() throws Exception {
        Fixtures.write(src, "docs/deep/a.pdf", "a");
        Fixtures.write(src, "docs/deep/b.txt", "b");
        Fixtures.write(src, "music/c.mp3", "c");
        Files.createDirectories(src.resolve("nothing-here"));
        scan(List.of(".*\\.pdf$"), List.of());
        assertEquals(List.of("D ", "D docs", "D docs/deep", "F docs/deep/a.pdf"), seen);
    }

    @Test
    void ignoredFoldersAreNotEvenEntered() throws Exception {
        Fixtures.write(src, "node_modules/x/y.js", "y");
        Fixtures.write(src, "keep.js", "k");
        Files.setPosixFilePermissions(src.resolve("node_modules"), java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        try {
            scan(List.of(), List.of("node_modules/"));
        } finally {
            Files.setPosixFilePermissions(src.resolve("node_modules"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        assertEquals(List.of("D ", "F keep.js"), seen);
    }

    @Test
    void socketsAndPipesAreSkippedWithANoteNotAnError() throws Exception {
        Path sock = src.resolve("app.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(sock));
            Process p = new ProcessBuilder("mkfifo", src.resolve("pipe").toString()).start();
            assertEquals(0, p.waitFor());
            Fixtures.write(src, "real.txt", "r");
            scan(List.of(), List.of());
        }
        assertEquals(List.of("D ", "F real.txt"), seen);
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("app.sock: skipped socket")), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("pipe: skipped named pipe")), notes.toString());
    }

    @Test
    void aFileWhoseContentChangesAfterListingIsNoticed() throws Exception {
        Path f = Fixtures.write(src, "f.txt", "one");
        List<Entry> entries = new ArrayList<>();
        new LocalSource("s", src, PathFilter.of(List.of(), List.of())).scan(new Sink() {
            @Override
            public void entry(Entry e) {
                entries.add(e);
            }

            @Override
            public void error(List<String> path, String message) {}

            @Override
            public void note(List<String> path, String message) {}
        });
        Entry e = entries.get(1);
        assertTrue(e.content().stillMatches(e.fingerprint()));
        Files.writeString(f, "two, longer");
        assertEquals(false, e.content().stillMatches(e.fingerprint()));
    }

    @Test
    void aMissingRootIsOneClearError() {
        LocalSource s = new LocalSource("docs", src.resolve("gone"), PathFilter.of(List.of(), List.of()));
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, s::check);
        assertTrue(e.getMessage().contains("gone of source 'docs' does not exist"), e.getMessage());
    }

    /** Every entry as the snapshot sees it: type, path, size, mtime, mode, key, fingerprint, symlink target. */
    private List<String> everything() throws Exception {
        List<String> out = new ArrayList<>();
        new LocalSource("s", src, PathFilter.none()).scan(new Sink() {
            @Override
            public void entry(Entry e) {
                out.add(e.type() + " " + e.path() + " " + e.size() + " " + e.mtime() + " " + Integer.toOctalString(e.mode())
                        + " " + e.key() + " " + e.fingerprint() + " " + e.linkTarget());
            }

            @Override
            public void error(List<String> path, String message) {
                out.add("error " + path + ": " + message);
            }

            @Override
            public void note(List<String> path, String message) {
                out.add("note " + path + ": " + message);
            }
        });
        return out;
    }

    @Test
    void theNativeListingSeesExactlyWhatTheJdksDoes() throws Exception {
        assumeTrue(dev.linkvault.Native.loaded(), "no native helper in this run: " + dev.linkvault.Native.whyNot());
        Fixtures.write(src, "b/2.txt", "two");
        Fixtures.write(src, "a.txt", "a", java.time.Instant.parse("2020-01-02T03:04:05.123456789Z"));
        Fixtures.write(src, "Ünïcode/ß.txt", "x");
        Files.createDirectories(src.resolve("empty"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("b/2.txt"));
        Files.createSymbolicLink(src.resolve("dangling"), Path.of("nowhere"));
        Files.setPosixFilePermissions(src.resolve("b/2.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Process p = new ProcessBuilder("bash", "-c", "echo x > \"$1\"/$'bad\\xffname'", "-", src.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        List<String> fast = everything();
        LocalSource.nativeListing = false;
        try {
            assertEquals(everything(), fast);
        } finally {
            LocalSource.nativeListing = true;
        }
        // 4 folders (the root among them), 3 files, 2 symlinks, the error of the name that is not UTF-8
        assertEquals(10, fast.size(), String.join("\n", fast));
        assertTrue(fast.stream().anyMatch(l -> l.startsWith("error [s, bad") && l.endsWith("not valid UTF-8; rename it to back it up")),
                String.join("\n", fast));
    }
}
