package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .linkvault/status.json}: the bytes monitoring reads, and reading them back. */
class RunStatusTest {
    @TempDir
    Path root;

    private static final RunStatus FULL = new RunStatus("linkvault snapshot", "2026-01-01T00:00:00Z",
            "2026-01-01T00:01:00Z", "partial", 1, "a \"quoted\" message\nline 2", "2026-01-01", 12L, 3456L, 78L, 2L,
            "2026-01-01T00:01:00Z", "2026-01-01");

    @Test
    void theFileIsWhatEarlierVersionsWroteAndReadsBackWhole() throws IOException {
        Files.createDirectories(root.resolve(".linkvault"));
        FULL.write(root);
        // the bytes the data-binding writer of earlier versions made, key for key
        assertEquals("""
                {
                  "command" : "linkvault snapshot",
                  "started" : "2026-01-01T00:00:00Z",
                  "finished" : "2026-01-01T00:01:00Z",
                  "outcome" : "partial",
                  "exit_code" : 1,
                  "message" : "a \\"quoted\\" message\\nline 2",
                  "snapshot" : "2026-01-01",
                  "files" : 12,
                  "bytes" : 3456,
                  "new_bytes" : 78,
                  "errors" : 2,
                  "last_success" : "2026-01-01T00:01:00Z",
                  "last_success_snapshot" : "2026-01-01"
                }
                """, Files.readString(RunStatus.file(root)));
        assertEquals(FULL, RunStatus.read(root));
        assertTrue(Files.notExists(root.resolve(".linkvault/status.json.tmp")));
    }

    @Test
    void nullsAreLeftOutAndUnknownKeysSkipped() throws IOException {
        RunStatus failed = new RunStatus("linkvault gc", "x", "y", "failed", 2, null, null, null, null, null, null,
                null, null);
        assertEquals("{\"command\":\"linkvault gc\",\"started\":\"x\",\"finished\":\"y\",\"outcome\":\"failed\","
                + "\"exit_code\":2}", failed.toJson());
        Files.createDirectories(root.resolve(".linkvault"));
        Files.writeString(RunStatus.file(root), failed.toJson().replace("}", ",\"from_a_later_version\":{\"a\":[1]}}"));
        assertEquals(failed, RunStatus.read(root));
    }

    @Test
    void aMissingFileIsNoStatusAndADamagedOneSaysWhich() throws IOException {
        assertNull(RunStatus.read(root));
        Files.createDirectories(root.resolve(".linkvault"));
        Files.writeString(RunStatus.file(root), "{\"command\": ");
        IOException e = assertThrows(IOException.class, () -> RunStatus.read(root));
        assertTrue(e.getMessage().startsWith(RunStatus.file(root) + " is damaged: "), e.getMessage());
        Files.writeString(RunStatus.file(root), "[1, 2]");
        assertEquals(RunStatus.file(root) + " is damaged: not a JSON object",
                assertThrows(IOException.class, () -> RunStatus.read(root)).getMessage());
    }
}
