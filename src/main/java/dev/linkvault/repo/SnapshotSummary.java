package dev.linkvault.repo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SnapshotSummary fromJson(String json) {
        try {
            return JSON.readValue(json, SnapshotSummary.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a snapshot summary: " + e.getOriginalMessage());
        }
    }
}
