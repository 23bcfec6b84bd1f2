package dev.linkvault.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated config file (spec/config.md). Paths are absolute: relative ones in the file are
 * taken from the config file's folder.
 *
 * @param repository   the repository folder, or null when the file leaves it to {@code --repo}
 * @param snapshotName the pattern of default snapshot names ({@link java.time.format.DateTimeFormatter})
 * @param workers      parallel workers for snapshot, or 0 for the default
 */
public record Config(Path file, Path repository, String snapshotName, int workers, List<SourceConfig> sources,
                     RetentionConfig retention, double maxErrorRatio, double shrinkGuard, Notify notification,
                     Path metricsFile) {
    public static final String DEFAULT_SNAPSHOT_NAME = "yyyy-MM-dd";
    /** Above this share of files with errors a snapshot is published as failed. */
    public static final double DEFAULT_MAX_ERROR_RATIO = 0.5;
    /** A source with fewer than this share of the last complete snapshot's files stops the run. */
    public static final double DEFAULT_SHRINK_GUARD = 0.5;

    /**
     * The {@code notify:} block: who hears how a snapshot went.
     *
     * @param healthchecks a healthchecks.io check URL ({@code URL/start}, then {@code URL} or {@code URL/fail}), or null
     * @param command      a program and its arguments, run at the end with the outcome in its environment; empty for none
     */
    public record Notify(String healthchecks, List<String> command) {}

    /** The {@code retention:} block: what {@code forget} keeps when no --keep-* option is given; 0 = rule unused. */
    public record RetentionConfig(int last, int hourly, int daily, int weekly, int monthly, int yearly, String within) {}
}
