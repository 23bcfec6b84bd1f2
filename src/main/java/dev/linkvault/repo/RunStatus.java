package dev.linkvault.repo;

import static dev.linkvault.JsonTree.text;
import static dev.linkvault.JsonTree.number;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code .linkvault/status.json}: how the last writing run went, and when a snapshot last
 * succeeded, for monitoring ({@code linkvault status}, a dashboard). Written by every run that
 * takes the writer lock (a dry run writes nothing), in one rename.
 *
 * <p>Read and written with Jackson's streaming parser and generator, not its data binding, whose
 * set-up (reflection over the record, an annotation proxy per annotation type) was a fifth to a
 * quarter of a short command such as {@code gc} (sampled): every writing run reads and writes this
 * file. The keys are in snake_case in the order below; a null is left out; an unknown key is skipped.
 *
 * @param outcome     {@code success}, {@code partial} (per-file errors), {@code failed}, {@code locked}
 *                    or {@code interrupted}
 * @param lastSuccess when a snapshot last finished complete (with or without per-file errors), or null
 */
public record RunStatus(String command, String started, String finished, String outcome, int exitCode, String message,
                        String snapshot, Long files, Long bytes, Long newBytes, Long errors, String lastSuccess,
                        String lastSuccessSnapshot) {

    public static Path file(Path repoRoot) {
        return repoRoot.resolve(".linkvault").resolve("status.json");
    }

    /** The last status, or null when no writing run has written one. */
    public static RunStatus read(Path repoRoot) throws IOException {
        JsonNode o;
        try {
            o = dev.linkvault.JsonTree.json(Files.readString(file(repoRoot), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file(repoRoot) + " is damaged: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IOException(file(repoRoot) + " is damaged: not a JSON object");
        }
        return new RunStatus(text(o, "command"), text(o, "started"), text(o, "finished"), text(o, "outcome"),
                o.path("exit_code").asInt(), text(o, "message"), text(o, "snapshot"), number(o, "files"),
                number(o, "bytes"), number(o, "new_bytes"), number(o, "errors"), text(o, "last_success"),
                text(o, "last_success_snapshot"));
    }

    /** Writes it, complete or not at all (a temporary file, synced, renamed). */
    public void write(Path repoRoot) throws IOException {
        Path f = file(repoRoot);
        Path tmp = f.resolveSibling("status.json.tmp");
        Files.writeString(tmp, render(true) + "\n", StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** On one line, as {@code status --json} prints it. */
    public String toJson() {
        return render(false);
    }

    private String render(boolean pretty) {
        return dev.linkvault.JsonTree.write(pretty, g -> {
            g.writeStartObject();
            put(g, "command", command);
            put(g, "started", started);
            put(g, "finished", finished);
            put(g, "outcome", outcome);
            g.writeNumberField("exit_code", exitCode);
            put(g, "message", message);
            put(g, "snapshot", snapshot);
            put(g, "files", files);
            put(g, "bytes", bytes);
            put(g, "new_bytes", newBytes);
            put(g, "errors", errors);
            put(g, "last_success", lastSuccess);
            put(g, "last_success_snapshot", lastSuccessSnapshot);
            g.writeEndObject();
        });
    }

    private static void put(JsonGenerator g, String key, String value) throws IOException {
        if (value != null) {
            g.writeStringField(key, value);
        }
    }

    private static void put(JsonGenerator g, String key, Long value) throws IOException {
        if (value != null) {
            g.writeNumberField(key, value);
        }
    }
}
