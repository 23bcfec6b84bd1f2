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
