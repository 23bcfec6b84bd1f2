package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    @TempDir
    Path dir;

    private static final SnapshotSummary SUMMARY =
            new SnapshotSummary("s", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", 1000, 1, 1, 1, 3, 1, 3, 1, 3, 1, false);

    @Test
    void namesWithTabsNewlinesBackslashesAndUnicodeComeBackExactly() throws IOException {
        Path m = dir.resolve("m.tsv.gz");
        List<Manifest.Item> items = List.of(
                new Manifest.Item(Manifest.Type.DIR, 0755, 0, Instant.parse("2020-01-01T00:00:00Z"), null, "d", null),
                new Manifest.Item(Manifest.Type.FILE, 0640, 3, Instant.parse("2020-01-01T00:00:00.123456789Z"),
                        "f572d396fae9206628714fb2ce00f72e94f2258f", "d/tab\there\nnew\\line \u00e9\u6f22\u0001\u007f end", null),
                new Manifest.Item(Manifest.Type.SYMLINK, 0777, 5, Instant.parse("2020-01-01T00:00:00Z"), null, "d/l",
                        "../x\ty"));
        try (Manifest.Writer w = new Manifest.Writer(m)) {
            for (Manifest.Item it : items) {
                w.item(it);
            }
            w.error("d/bad\nname", "permission denied");
            w.finish(SUMMARY);
        }
        List<Manifest.Item> back = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        SnapshotSummary s = Manifest.read(m, new Manifest.Visitor() {
            @Override
            public void item(Manifest.Item item) {
                back.add(item);
            }

            @Override
            public void error(String path, String message) {
                errors.add(path + ": " + message);
            }
        });
        assertEquals(items, back);
        assertEquals(List.of("d/bad\nname: permission denied"), errors);
        assertEquals(SUMMARY, s);
    }

    @Test
    void aManifestCutShortIsNeverTakenForAComplete() throws IOException {
        Path m = dir.resolve("m.tsv.gz");
        try (Manifest.Writer w = new Manifest.Writer(m)) {
            for (int i = 0; i < 5000; i++) {
                w.item(new Manifest.Item(Manifest.Type.DIR, 0755, 0, Instant.EPOCH, null, "d" + i, null));
            }
            w.finish(SUMMARY);
        }
        byte[] all = Files.readAllBytes(m);
        Files.write(m, java.util.Arrays.copyOf(all, all.length / 2));
        IOException e = assertThrows(IOException.class, () -> Manifest.read(m, it -> { }));
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }
    @Test
    void linesAreWrittenAsExactUtf8WithEscapes() throws IOException {
        Path m = dir.resolve("m.tsv.gz");
        Instant t = Instant.parse("2020-01-01T00:00:00Z");
        String blob = "f572d396fae9206628714fb2ce00f72e94f2258f";
        try (Manifest.Writer w = new Manifest.Writer(m)) {
            w.item(new Manifest.Item(Manifest.Type.DIR, 0, 0, t, null, "d", null));
            // an emoji (a surrogate pair), non-ASCII right after an escape, DEL, a control char
            w.item(new Manifest.Item(Manifest.Type.FILE, 0644, 0, t, blob, "d/\\\u00e9\t\uD83D\uDE00x\u007f\u0001", null));
            // a mode past 07777 and a size past 2^32; a lone surrogate becomes '?'
            w.item(new Manifest.Item(Manifest.Type.FILE, 0104755, 9_876_543_210L, t, blob, "d/lone\uD800z", null));
            w.finish(SUMMARY);
        }
        String text;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(m))) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        List<String> lines = text.lines().toList();
        assertEquals("D\t0000\t0\t2020-01-01T00:00:00Z\t-\td", lines.get(1));
        assertEquals("F\t0644\t0\t2020-01-01T00:00:00Z\t" + blob + "\td/\\\\\u00e9\\t\uD83D\uDE00x\\x7f\\x01",
                lines.get(2));
        assertEquals("F\t104755\t9876543210\t2020-01-01T00:00:00Z\t" + blob + "\td/lone?z", lines.get(3));
        List<String> paths = new ArrayList<>();
        Manifest.read(m, it -> paths.add(it.path()));
        assertEquals(List.of("d", "d/\\\u00e9\t\uD83D\uDE00x\u007f\u0001", "d/lone?z"), paths);
    }

    @Test
    void blocksOfNonAsciiNamesAreFoundThroughTheIndex() throws IOException {
        Path m = dir.resolve("m.tsv.gz");
        List<String> names = new ArrayList<>();
        try (Manifest.Writer w = new Manifest.Writer(m)) {
            w.item(new Manifest.Item(Manifest.Type.DIR, 0755, 0, Instant.EPOCH, null, "d", null));
            for (int i = 0; i < 20000; i++) {
                String name = String.format("d/\u6f22\u5b57-%05d-\uD83D\uDE00", i);
                names.add(name);
                w.item(new Manifest.Item(Manifest.Type.FILE, 0644, i, Instant.EPOCH,
                        "f572d396fae9206628714fb2ce00f72e94f2258f", name, null));
            }
            w.finish(SUMMARY);
        }
        ManifestIndex index = ManifestIndex.load(m);
        for (int i : new int[] {0, 1, 4321, 12345, 19999}) {
            List<Manifest.Item> got = new ArrayList<>();
            assertTrue(index.read(dev.linkvault.RelPath.of(List.of(names.get(i).split("/"))), ManifestIndex.Scope.PATH, got::add), names.get(i));
            assertEquals(1, got.size(), names.get(i));
            assertEquals(i, got.get(0).size());
        }
    }
}
