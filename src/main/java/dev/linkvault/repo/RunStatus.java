package dev.linkvault.repo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * @param outcome     {@code success}, {@code partial} (per-file errors), {@code failed}, {@code locked}
 *                    or {@code interrupted}
 * @param lastSuccess when a snapshot last finished complete (with or without per-file errors), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(
        @JsonProperty("command") String command,
        @JsonProperty("started") String started,
        @JsonProperty("finished") String finished,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("exit_code") int exitCode,
        @JsonProperty("message") String message,
        @JsonProperty("snapshot") String snapshot,
        @JsonProperty("files") Long files,
        @JsonProperty("bytes") Long bytes,
        @JsonProperty("new_bytes") Long newBytes,
        @JsonProperty("errors") Long errors,
        @JsonProperty("last_success") String lastSuccess,
        @JsonProperty("last_success_snapshot") String lastSuccessSnapshot) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path file(Path repoRoot) {
        return repoRoot.resolve(".linkvault").resolve("status.json");
    }

    /** The last status, or null when no writing run has written one. */
    public static RunStatus read(Path repoRoot) throws IOException {
        try {
            return JSON.readValue(Files.readString(file(repoRoot), StandardCharsets.UTF_8), RunStatus.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file(repoRoot) + " is damaged: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes it, complete or not at all (a temporary file, synced, renamed). */
    public void write(Path repoRoot) throws IOException {
        Path f = file(repoRoot);
        Path tmp = f.resolveSibling("status.json.tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n", StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
