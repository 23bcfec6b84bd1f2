package dev.linkvault.cli;

import dev.linkvault.ingest.Counters;
import dev.linkvault.ingest.ProgressListener;
import java.io.PrintWriter;

/**
 * Shows a running snapshot: on a terminal a live line (files and bytes of the count made beside
 * the run, errors, the read rate, an ETA), in a log a plain line a minute. Problems always go to
 * stderr, one line each.
 */
final class SnapshotProgress implements ProgressListener, AutoCloseable {
    private final PrintWriter err;
    private final boolean live;
    private final boolean quietStart;
    private final boolean quiet;
    private final boolean verbose;
    private final ProgressLine status;
    private volatile String source = "";

    /** {@code quiet} (-q): errors only, no progress; {@code verbose} (-v): a line per file read or stored. */
    SnapshotProgress(PrintWriter err, boolean live, boolean quietStart, boolean quiet, boolean verbose) {
        this.err = err;
        this.live = live && !quiet;
        this.quietStart = quietStart || quiet;
        this.quiet = quiet;
        this.verbose = verbose && !quiet;
        this.status = new ProgressLine(err, this.live, "snapshot").extra(() -> source);
    }

    void watch(Counters c) {
        status.watch(c.files::get, c.bytes::get, c.errors::get, c.bytesRead::get)
                .watchTotals(() -> c.estimatedFiles.get() > 0 ? c.estimatedFiles.get() : -1,
                        () -> c.estimatedFiles.get() > 0 ? c.estimatedBytes.get() : -1);
    }

    @Override
    public boolean wantsEstimate() {
        return live;
    }

    @Override
    public synchronized void started(String snapshot, boolean resumed) {
        if (!quietStart) {
            err.println((resumed ? "resuming snapshot " : "snapshot ") + snapshot
                    + (resumed ? " (an earlier run was interrupted; stored content is reused)" : ""));
        }
        if (live || !quietStart) {
            status.start();
        }
    }

    @Override
    public synchronized void sourceStarted(String name) {
        source = "source " + name;
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

    @Override
    public void close() {
        status.close();
    }
}
