package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary in a manifest's last line and in the catalog: read back field for field (it is read without data binding). */
class SnapshotSummaryTest {
    @Test
    void everyFieldComesBackAsWritten() {
        Map<String, Long> perSource = new LinkedHashMap<>();
        perSource.put("docs", 3_000_000_000L);
        perSource.put("photos", 7L);
        SnapshotSummary s = new SnapshotSummary("2026-12-02_2", "2026-12-02T04:00:00Z", "2026-12-02T04:01:02.5Z",
                62_500, 3_000_000_007L, 11, 2, 9_876_543_210L, 5, 500, 4, 400, 3, true, true, perSource);
        SnapshotSummary back = SnapshotSummary.fromJson(s.toJson());
        assertEquals(s, back);
        assertEquals(perSource, back.sourceFiles());
    }

    @Test
    void theJsonIsWhatEarlierVersionsWrote() {
        // the bytes the data-binding writer of earlier versions made, key for key
        Map<String, Long> perSource = new LinkedHashMap<>();
        perSource.put("docs", 3_000_000_000L);
        perSource.put("ph\"otos", 7L);
        assertEquals("{\"name\":\"2026-12-02_2\",\"started\":\"2026-12-02T04:00:00Z\",\"finished\":\"2026-12-02T04:01:02.5Z\","
                + "\"duration_ms\":62500,\"files\":3000000007,\"dirs\":11,\"symlinks\":2,\"bytes\":9876543210,"
                + "\"files_read\":5,\"bytes_read\":500,\"new_blobs\":4,\"new_bytes\":400,\"errors\":3,\"resumed\":true,"
                + "\"failed\":true,\"source_files\":{\"docs\":3000000000,\"ph\\\"otos\":7}}",
                new SnapshotSummary("2026-12-02_2", "2026-12-02T04:00:00Z", "2026-12-02T04:01:02.5Z", 62_500,
                        3_000_000_007L, 11, 2, 9_876_543_210L, 5, 500, 4, 400, 3, true, true, perSource).toJson());
        assertEquals("{\"name\":\"s1\",\"started\":\"2026-12-02T04:00:00Z\",\"finished\":null,\"duration_ms\":1,"
                + "\"files\":2,\"dirs\":3,\"symlinks\":4,\"bytes\":5,\"files_read\":6,\"bytes_read\":7,\"new_blobs\":8,"
                + "\"new_bytes\":9,\"errors\":0,\"resumed\":false,\"failed\":false}",
                new SnapshotSummary("s1", "2026-12-02T04:00:00Z", null, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, false).toJson());
    }

    @Test
    void aSummaryOfAnEarlierVersionLacksTheNewerFieldsAndIgnoresUnknownOnes() {
        SnapshotSummary old = SnapshotSummary.fromJson("{\"name\":\"s1\",\"started\":\"2026-01-01T00:00:00Z\","
                + "\"finished\":null,\"duration_ms\":5,\"files\":2,\"bytes\":10,\"errors\":0,\"resumed\":false,"
                + "\"some_future_field\":{\"x\":[1,2.5,\"y\"]}}");
        assertEquals("s1", old.name());
        assertNull(old.finished());
        assertEquals(2, old.files());
        assertEquals(false, old.failed());
        assertNull(old.sourceFiles());
    }

    @Test
    void somethingElseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SnapshotSummary.fromJson("{\"name\": "));
        assertThrows(IllegalArgumentException.class, () -> SnapshotSummary.fromJson("[1, 2]"));
    }
}
