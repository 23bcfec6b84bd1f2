package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest is written in members with an index beside it; every look-up through the index
 * must give exactly the lines a reading of the whole manifest gives.
 */
class ManifestIndexTest {
    @TempDir
    Path dir;
    Path manifest;
    final List<Manifest.Item> items = new ArrayList<>();
    final List<String> errors = new ArrayList<>();

    // Names that sort in tricky ways: below '/', around it, beyond the BMP, private use, escapes.
    static final String[] NAMES = {"a", "a b", "a!", "a.txt", "a-b", "B", "b", "é", "\uE000x", "\uD83D\uDE00",
        "tab\there", "new\nline", "back\\slash", "z", "zz", "0", "..a"};

    @BeforeEach
    void write() throws IOException {
        Random r = new Random(42);
        // two sources, written in config order (not name order): "photos" before "docs"
        for (String source : List.of("photos", "docs")) {
            TreeSet<String> paths = new TreeSet<>(Manifest::comparePaths);
            paths.add(source);
            grow(source, 0, r, paths);
            for (String p : paths) {
                boolean dir = !p.contains("/") || paths.higher(p) != null && paths.higher(p).startsWith(p + "/");
                Manifest.Item it = dir
                        ? new Manifest.Item(Manifest.Type.DIR, 0755, 0, Instant.ofEpochSecond(1_700_000_000L), null, p, null)
                        : new Manifest.Item(Manifest.Type.FILE, 0644, p.length(), Instant.ofEpochSecond(1_700_000_000L + p.length()),
                                "da39a3ee5e6b4b0d3255bfef95601890afd80709", p, null);
                items.add(it);
            }
        }
        manifest = dir.resolve("s.tsv.gz");
        try (Manifest.Writer w = new Manifest.Writer(manifest)) {
            for (Manifest.Item it : items) {
                w.item(it);
                if (it.path().hashCode() % 97 == 0) {
                    w.error(it.path(), "could not read it");
                    errors.add(it.path());
                }
            }
            w.finish(summary());
        }
    }

    private static void grow(String at, int depth, Random r, TreeSet<String> out) {
        int n = depth == 0 ? 30 : depth == 1 ? 12 : depth == 2 ? 20 : 0;
        for (int i = 0; i < n; i++) {
            String name = NAMES[r.nextInt(NAMES.length)] + (r.nextBoolean() ? "" : Integer.toString(r.nextInt(50)));
            String p = at + "/" + name;
            out.add(p);
            if (depth < 2 && r.nextInt(3) > 0) {
                grow(p, depth + 1, r, out);
            }
        }
    }

    private static SnapshotSummary summary() {
        return new SnapshotSummary("s", "2026-12-01T00:00:00Z", "2026-12-01T00:00:01Z", 1000, 1, 1, 0, 1, 1, 1, 1, 1, 0,
                false, false, null);
    }

    /** What a reading of the whole list says for base and scope. */
    private List<String> expected(String base, ManifestIndex.Scope scope) {
        int depth = base.isEmpty() ? 0 : base.split("/").length;
        List<String> out = new ArrayList<>();
        for (Manifest.Item it : items) {
            if (Manifest.under(it.path(), base) && ManifestIndex.wanted(it.path(), depth, scope)) {
                out.add(it.type() + " " + it.path());
                if (errors.contains(it.path())) {
                    out.add("! " + it.path());
                }
            }
        }
        return out;
    }

    private List<String> viaIndex(ManifestIndex index, String base, ManifestIndex.Scope scope) throws IOException {
        List<String> out = new ArrayList<>();
        index.read(RelPath.parse(base), scope, new Manifest.Visitor() {
            @Override
            public void item(Manifest.Item item) {
                out.add(item.type() + " " + item.path());
            }

            @Override
            public void error(String path, String message) {
                out.add("! " + path);
            }
        });
        return out;
    }

    @Test
    void theManifestIsManyMembersThatAPlainGzipReaderReadsAsOne() throws IOException {
        List<Manifest.Item> read = new ArrayList<>();
        SnapshotSummary s = Manifest.read(manifest, read::add);
        assertEquals(items, read);
        assertEquals("s", s.name());
        long members = 0;
        byte[] all = Files.readAllBytes(manifest);
        for (int i = 0; i + 2 < all.length; i++) {
            if ((all[i] & 0xff) == 0x1f && (all[i + 1] & 0xff) == 0x8b && all[i + 2] == 8) {
                members++;
            }
        }
        assertTrue(members > 10, "a manifest of " + items.size() + " lines in " + members + " members");
        // and the whole file is still one gzip stream to gzip -dc
        try (var in = new GZIPInputStream(Files.newInputStream(manifest))) {
            assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).startsWith(Manifest.HEADER));
        }
    }

    @Test
    void everyPathItsChildrenAndItsSubtreeComeOutAsAWholeReadingGivesThem() throws IOException {
        ManifestIndex index = ManifestIndex.load(manifest);
        assertNotNull(index);
        assertEquals("s", index.summary().name());
        List<String> bases = new ArrayList<>();
        bases.add("");
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).type() == Manifest.Type.DIR || i % 11 == 0) {
                bases.add(items.get(i).path());
            }
        }
        assertTrue(bases.size() > 300, bases.size() + " paths looked up");
        for (String base : bases) {
            for (ManifestIndex.Scope scope : ManifestIndex.Scope.values()) {
                assertEquals(expected(base, scope), viaIndex(index, base, scope), scope + " of '" + base + "'");
            }
        }
    }

    @Test
    void aPathThatIsNotThereIsNotFound() throws IOException {
        ManifestIndex index = ManifestIndex.load(manifest);
        for (String missing : List.of("photos/a/nope", "nosuchsource", "docs/\uFFFF", "photos/a b/zzz/q")) {
            List<String> out = viaIndex(index, missing, ManifestIndex.Scope.SUBTREE);
            assertTrue(out.isEmpty(), missing + " gave " + out);
            assertFalse(index.read(RelPath.parse(missing), ManifestIndex.Scope.PATH, item -> { }), missing);
        }
    }

    @Test
    void anIndexThatDoesNotBelongToItsManifestIsNotUsed() throws IOException {
        Path idx = Manifest.Writer.indexOf(manifest);
        Files.writeString(idx, Files.readString(idx).replaceFirst("\t\\d+\t", "\t12\t"));
        assertNull(ManifestIndex.load(manifest));
        Files.writeString(idx, "garbage");
        assertNull(ManifestIndex.load(manifest));
        Files.delete(idx);
        assertNull(ManifestIndex.load(manifest));
    }

    @Test
    void aSourceWhoseLinesAreOutOfOrderIsReadWhole() throws IOException {
        Path m = dir.resolve("u.tsv.gz");
        List<Manifest.Item> reversed = new ArrayList<>(items.subList(0, 200));
        java.util.Collections.reverse(reversed.subList(1, reversed.size()));
        try (Manifest.Writer w = new Manifest.Writer(m)) {
            for (Manifest.Item it : reversed) {
                w.item(it);
            }
            w.finish(summary());
        }
        assertTrue(Files.readString(Manifest.Writer.indexOf(m)).contains("\t0\tphotos\n"), "marked unsorted");
        ManifestIndex index = ManifestIndex.load(m);
        String someFile = reversed.get(5).path();
        List<String> out = new ArrayList<>();
        index.read(RelPath.parse(someFile), ManifestIndex.Scope.PATH, item -> out.add(item.path()));
        assertEquals(List.of(someFile), out);
    }
}
