package dev.linkvault.cli;

import dev.linkvault.ingest.Counters;
import dev.linkvault.ingest.ProgressListener;
import java.io.PrintWriter;

/**
 * Shows a running snapshot: on a terminal a live line (files, bytes, rate, ETA) redrawn four
 * times a second; otherwise plain lines. Problems always go to stderr, one line each.
 */
final class SnapshotProgress implements ProgressListener, AutoCloseable {
    private final PrintWriter err;
    private final boolean live;
    private final boolean quietStart;
    private final boolean quiet;
    private final boolean verbose;
    private final LiveLine status;
    private Counters counters;
    private long startNanos;
    private volatile String source = "";

    /** {@code quiet} (-q): errors only, no progress; {@code verbose} (-v): a line per file read or stored. */
    SnapshotProgress(PrintWriter err, boolean live, boolean quietStart, boolean quiet, boolean verbose) {
        this.err = err;
        this.live = live && !quiet;
        this.quietStart = quietStart || quiet;
        this.quiet = quiet;
        this.verbose = verbose && !quiet;
        this.status = new LiveLine(err, this.live);
    }

    void watch(Counters c) {
        this.counters = c;
    }

    @Override
    public boolean wantsEstimate() {
        return live;
    }

    @Override
    public synchronized void started(String snapshot, boolean resumed) {
        startNanos = System.nanoTime();
        if (!quietStart) {
            err.println((resumed ? "resuming snapshot " : "snapshot ") + snapshot
                    + (resumed ? " (an earlier run was interrupted; stored content is reused)" : ""));
        }
        if (live || !quietStart) {
            status.start(this::line, "  progress ");
        }
    }

    @Override
    public synchronized void sourceStarted(String name) {
        source = name;
        if (!live && !quietStart) {
            err.println("  source " + name);
        }
    }

    @Override
    public void problem(Severity severity, String path, String message) {
        if (!quiet || severity == Severity.ERROR) {
            status.println(severity.name().toLowerCase() + ": " + path + ": " + message);
        }
    }

    @Override
    public void file(String path, boolean read, boolean stored) {
        if (verbose) {
            status.println((stored ? "stored " : "read   ") + dev.linkvault.RelPath.display(java.util.List.of(path)));
        }
    }

    String line() {
        Counters c = counters;
        double secs = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
        long files = c.files.get();
        long bytes = c.bytes.get();
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(Units.count(files)).append(" files, ").append(Units.bytes(bytes))
                .append(", ").append(Units.bytes((long) (c.bytesRead.get() / secs))).append("/s read");
        long estFiles = c.estimatedFiles.get();
        long estBytes = c.estimatedBytes.get();
        if (estFiles > 0) {
            double done = 0.5 * Math.min(1, (double) files / estFiles)
                    + 0.5 * (estBytes > 0 ? Math.min(1, (double) bytes / estBytes) : 1);
            sb.append(String.format(java.util.Locale.ROOT, ", %.0f%%", done * 100));
            if (done > 0.01) {
                sb.append(", ETA ").append(Units.duration((long) (secs * (1 - done) / done * 1000)));
            }
        } else if (live) {
            sb.append(", counting...");
        }
        if (c.errors.get() > 0) {
            sb.append(", ").append(c.errors.get()).append(" errors");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        status.close();
    }
}
