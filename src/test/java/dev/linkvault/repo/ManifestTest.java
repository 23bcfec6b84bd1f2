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
}
