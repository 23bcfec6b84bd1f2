package dev.linkvault.cli;

import dev.linkvault.repo.RunStatus;
import dev.linkvault.repo.SnapshotSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The config's {@code metrics-file}: a Prometheus text file for node_exporter's textfile
 * collector, rewritten (by rename, so it is never read half-written) after every snapshot run.
 */
final class MetricsFile {
    private MetricsFile() {}

    static void write(Path file, Path repository, RunStatus status, SnapshotSummary s) throws IOException {
        String repo = "repository=\"" + repository.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        StringBuilder b = new StringBuilder();
        if (status.lastSuccess() != null) {
            gauge(b, "linkvault_last_success_timestamp_seconds", "When a snapshot last finished complete.", repo,
                    Instant.parse(status.lastSuccess()).getEpochSecond());
        }
        gauge(b, "linkvault_last_run_exit_code", "Exit code of the last snapshot run (0 ok, 1 some files failed, 2"
                + " fatal, 3 locked, 130 interrupted).", repo, status.exitCode());
        gauge(b, "linkvault_last_run_duration_seconds", "How long the last snapshot run took.", repo,
                Duration.between(Instant.parse(status.started()), Instant.parse(status.finished())).toMillis() / 1000.0);
        if (s != null) {
            gauge(b, "linkvault_snapshot_files", "Files in the last snapshot.", repo, s.files());
            gauge(b, "linkvault_snapshot_bytes", "Bytes the last snapshot holds.", repo, s.bytes());
            gauge(b, "linkvault_snapshot_new_bytes", "Bytes the last snapshot added to the store.", repo, s.newBytes());
            gauge(b, "linkvault_snapshot_errors", "Files of the last snapshot that had errors.", repo, s.errors());
            if (s.sourceFiles() != null) {
                b.append("# HELP linkvault_source_files Files each source delivered to the last snapshot.\n")
                        .append("# TYPE linkvault_source_files gauge\n");
                for (Map.Entry<String, Long> e : s.sourceFiles().entrySet()) {
                    b.append("linkvault_source_files{").append(repo).append(",source=\"").append(e.getKey())
                            .append("\"} ").append(e.getValue()).append('\n');
                }
            }
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void gauge(StringBuilder b, String name, String help, String labels, double value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append('{').append(labels).append("} ")
                .append(value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                        : String.format(Locale.ROOT, "%.3f", value)).append('\n');
    }
}
