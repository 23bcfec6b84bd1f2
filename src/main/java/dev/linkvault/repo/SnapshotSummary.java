package dev.linkvault.repo;

import static dev.linkvault.JsonTree.text;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The figures of one finished snapshot. Written as JSON in the manifest's last line, cached in
 * the catalog, printed by {@code snapshots --json}.
 *
 * @param files     regular files in the snapshot (empty ones included)
 * @param bytes     their total size
 * @param filesRead files whose bytes were read from the source this run (the rest were known)
 * @param newBlobs  blobs this snapshot added to the store
 * @param newBytes  their total size: what this snapshot cost in disk space
 * @param sourceFiles files per source (absent in manifests of earlier versions): what the next
 *                  snapshot compares with, so a source that lost most of its files is noticed
 * @param failed    too many of its files had errors (more than the config's {@code max-error-ratio}):
 *                  published as it is, but state {@code failed}, which retention never keeps
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotSummary(
        @JsonProperty("name") String name,
        @JsonProperty("started") String started,
        @JsonProperty("finished") String finished,
        @JsonProperty("duration_ms") long durationMillis,
        @JsonProperty("files") long files,
        @JsonProperty("dirs") long dirs,
        @JsonProperty("symlinks") long symlinks,
        @JsonProperty("bytes") long bytes,
        @JsonProperty("files_read") long filesRead,
        @JsonProperty("bytes_read") long bytesRead,
        @JsonProperty("new_blobs") long newBlobs,
        @JsonProperty("new_bytes") long newBytes,
        @JsonProperty("errors") long errors,
        @JsonProperty("resumed") boolean resumed,
        @JsonProperty("failed") boolean failed,
        @JsonProperty("source_files") @JsonInclude(JsonInclude.Include.NON_NULL) java.util.Map<String, Long> sourceFiles) {

    /** The summary of a snapshot that held together ({@code failed} false), without per-source counts. */
    public SnapshotSummary(String name, String started, String finished, long durationMillis, long files, long dirs,
                           long symlinks, long bytes, long filesRead, long bytesRead, long newBlobs, long newBytes,
                           long errors, boolean resumed) {
        this(name, started, finished, durationMillis, files, dirs, symlinks, bytes, filesRead, bytesRead, newBlobs,
                newBytes, errors, resumed, false, null);
    }

    /**
     * On one line, keys in the order above, by Jackson's streaming generator: every snapshot writes
     * one, and data binding's set-up (reflection, an annotation proxy per annotation type) is the
     * cost {@link RunStatus} shows. The annotations stay for {@code snapshots --json}, which goes
     * through data binding ({@code valueToTree}).
     */
    public String toJson() {
        return dev.linkvault.JsonTree.write(false, g -> {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeStringField("started", started);
            g.writeStringField("finished", finished);
            g.writeNumberField("duration_ms", durationMillis);
            g.writeNumberField("files", files);
            g.writeNumberField("dirs", dirs);
            g.writeNumberField("symlinks", symlinks);
            g.writeNumberField("bytes", bytes);
            g.writeNumberField("files_read", filesRead);
            g.writeNumberField("bytes_read", bytesRead);
            g.writeNumberField("new_blobs", newBlobs);
            g.writeNumberField("new_bytes", newBytes);
            g.writeNumberField("errors", errors);
            g.writeBooleanField("resumed", resumed);
            g.writeBooleanField("failed", failed);
            if (sourceFiles != null) {
                g.writeObjectFieldStart("source_files");
                for (var e : sourceFiles.entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /** The summary {@link #toJson} wrote (keys it does not know are skipped), read without data binding. */
    public static SnapshotSummary fromJson(String json) {
        JsonNode o;
        try {
            o = dev.linkvault.JsonTree.json(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a snapshot summary: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // parsing a string reads nothing
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a snapshot summary: not a JSON object");
        }
        java.util.Map<String, Long> perSource = null;
        if (o.path("source_files").isObject()) {
            perSource = new java.util.LinkedHashMap<>();
            for (var e : o.get("source_files").properties()) {
                perSource.put(e.getKey(), e.getValue().asLong());
            }
        }
        return new SnapshotSummary(text(o, "name"), text(o, "started"), text(o, "finished"),
                o.path("duration_ms").asLong(), o.path("files").asLong(), o.path("dirs").asLong(),
                o.path("symlinks").asLong(), o.path("bytes").asLong(), o.path("files_read").asLong(),
                o.path("bytes_read").asLong(), o.path("new_blobs").asLong(), o.path("new_bytes").asLong(),
                o.path("errors").asLong(), o.path("resumed").asBoolean(), o.path("failed").asBoolean(), perSource);
    }
}
