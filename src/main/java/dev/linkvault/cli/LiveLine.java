package dev.linkvault.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * A status line on stderr: on a terminal redrawn four times a second in place; in a log (cron,
 * systemd) a plain line a minute. Messages printed through it never mix with the live line.
 */
final class LiveLine implements AutoCloseable {
    private final PrintWriter err;
    private final boolean live;
    private Thread ticker;
    private boolean lineShown;

    LiveLine(PrintWriter err, boolean live) {
        this.err = err;
        this.live = live;
    }

    /** Starts showing {@code line}; in a log, each minute's line starts with {@code logPrefix}. */
    synchronized void start(Supplier<String> line, String logPrefix) {
        ticker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(live ? 250 : 60_000);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (live) {
                        err.print("\r\033[K" + line.get());
                        lineShown = true;
                    } else {
                        err.println(logPrefix + line.get());
                    }
                    err.flush();
                }
            }
        }, "linkvault-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Prints a line of its own, clearing the live line first. */
    synchronized void println(String message) {
        clear();
        err.println(message);
    }

    /** Stops redrawing and ends a live line shown with a newline, so what follows starts on a line of its own. */
    synchronized void endLine() {
        if (ticker != null) {
            ticker.interrupt();
        }
        if (lineShown) {
            err.println();
            lineShown = false;
        }
        err.flush();
    }

    private void clear() {
        if (lineShown) {
            err.print("\r\033[K");
            lineShown = false;
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.interrupt();
        }
        clear();
        err.flush();
    }
}
