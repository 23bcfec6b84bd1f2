package dev.linkvault.cli;

import dev.linkvault.Units;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The progress of a long command (snapshot, restore, export, verify, gc): files and bytes done
 * of the totals when known, errors so far, the current rate, and an ETA from the recent rate.
 * On a terminal it is one line redrawn in place, cut to the terminal's width so it never wraps
 * (me.tongfei's progressbar draws it, JLine tells the width); in a log, a plain line a minute.
 * Messages printed through it never mix with the line.
 */
final class ProgressLine implements AutoCloseable {
    private final PrintWriter err;
    private final boolean live;
    private final String task;
    final AtomicLong files = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private final AtomicLong totalFiles = new AtomicLong(-1);
    private final AtomicLong totalBytes = new AtomicLong(-1);
    private final long startNanos = System.nanoTime();
    private final Eta eta = new Eta(30);
    private final Rate rate = new Rate(10);
    private ProgressBar bar;
    /** In a log: the thread that writes the line once a minute. */
    private Thread logTicker;
    private boolean shown;
    private java.util.function.LongSupplier filesNow = files::get;
    private java.util.function.LongSupplier bytesNow = bytes::get;
    private java.util.function.LongSupplier errorsNow = errors::get;
    private java.util.function.LongSupplier rateBytes = bytes::get;
    private java.util.function.LongSupplier totalFilesNow = totalFiles::get;
    private java.util.function.LongSupplier totalBytesNow = totalBytes::get;
    private String filesWord = "files";

    /** Extra words after the figures (a snapshot: the source being read). */
    private volatile java.util.function.Supplier<String> extra = () -> "";

    ProgressLine(PrintWriter err, boolean live, String task) {
        this.err = err;
        this.live = live;
        this.task = task;
    }

    /** Whether this process's progress goes to a terminal (stderr is one). */
    static boolean onTerminal() {
        return LogLines.stderrIsTerminal();
    }

    /**
     * Reads its figures from elsewhere (a run's own counters): files, bytes and errors done, and
     * the bytes whose rate is shown (a snapshot: those read, not those found unchanged).
     */
    ProgressLine watch(java.util.function.LongSupplier files, java.util.function.LongSupplier bytes,
                       java.util.function.LongSupplier errors, java.util.function.LongSupplier rateBytes) {
        this.filesNow = files;
        this.bytesNow = bytes;
        this.errorsNow = errors;
        this.rateBytes = rateBytes;
        return this;
    }

    /** Reads the totals from elsewhere too (a count beside the run); below 0 while unknown. */
    ProgressLine watchTotals(java.util.function.LongSupplier files, java.util.function.LongSupplier bytes) {
        this.totalFilesNow = files;
        this.totalBytesNow = bytes;
        return this;
    }

    /** What is counted where files are ("blobs" for verify and gc). */
    ProgressLine counting(String word) {
        this.filesWord = word;
        return this;
    }

    ProgressLine extra(java.util.function.Supplier<String> words) {
        this.extra = words;
        return this;
    }

    /** The totals, when known (they may come late: an estimate counted beside the run). */
    void total(long files, long bytes) {
        totalFiles.set(files);
        totalBytes.set(bytes);
    }

    private boolean closed;
    private Thread delayed;

    /**
     * Starts drawing after a second (a command done sooner shows no line, and pays nothing for
     * the terminal's set-up); in a log, the first line comes after a minute.
     */
    synchronized ProgressLine start() {
        if (live && delayed == null) {
            delayed = new Thread(() -> {
                try {
                    Thread.sleep(Long.getLong("linkvault.progress.delay", 1000)); // 0 in the terminal tests
                } catch (InterruptedException e) {
                    return;
                }
                showBar();
            }, "linkvault-progress-start");
            delayed.setDaemon(true);
            delayed.start();
        } else if (!live && logTicker == null) {
            logTicker = new Thread(() -> {
                while (true) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    synchronized (this) {
                        err.println("  progress " + text());
                        err.flush();
                    }
                }
            }, "linkvault-progress");
            logTicker.setDaemon(true);
            logTicker.start();
        }
        return this;
    }

    private synchronized void showBar() {
        if (!closed && bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(-1).setUpdateIntervalMillis(250)
                    .setRenderer((state, width) -> fit(text(), width))
                    .setConsumer(new ConsoleProgressBarConsumer(System.err) {
                        @Override
                        public void accept(String rendered) {
                            draw(rendered);
                        }

                        @Override
                        public void close() {
                            clear();
                        }
                    }).build();
        }
    }

    private synchronized void draw(String rendered) {
        err.print("\r\033[K" + rendered);
        err.flush();
        shown = true;
    }

    private synchronized void clear() {
        if (shown) {
            err.print("\r\033[K");
            err.flush();
            shown = false;
        }
    }

    /** A line of its own on stderr (an error), the progress line cleared first and redrawn at the next tick. */
    synchronized void println(String message) {
        println(err, message);
    }

    /** A line of its own on {@code to} (stdout, for a listing), the progress line on stderr cleared first. */
    synchronized void println(PrintWriter to, String message) {
        clear();
        to.println(message);
    }

    /** What the line says: {@code restore: 12,345 / 50,004 files, 120 MB / 712 MB, 3 errors, 12 MB/s, ETA 1:02}. */
    String text() {
        long f = filesNow.getAsLong();
        long b = bytesNow.getAsLong();
        long e = errorsNow.getAsLong();
        long tf = totalFilesNow.getAsLong();
        long tb = totalBytesNow.getAsLong();
        double now = (System.nanoTime() - startNanos) / 1e9;
        StringBuilder sb = new StringBuilder(task).append(": ");
        sb.append(Units.count(f)).append(tf >= 0 ? " / " + Units.count(tf) : "").append(' ').append(filesWord);
        if (b > 0 || tb > 0) {
            sb.append(", ").append(Units.bytes(b)).append(tb >= 0 ? " / " + Units.bytes(tb) : "");
            sb.append(", ").append(Units.bytes((long) rate.perSecond(now, rateBytes.getAsLong()))).append("/s");
        }
        if (e > 0) {
            sb.append(", ").append(Units.count(e)).append(e == 1 ? " error" : " errors");
        }
        if (tf > 0 || tb > 0) {
            double done = done(f, b, tf, tb);
            sb.append(String.format(Locale.ROOT, ", %.0f%%", done * 100));
            double left = eta.secondsLeft(now, done);
            if (left >= 0) {
                sb.append(", ETA ").append(Units.duration((long) (left * 1000)));
            }
        }
        String more = extra.get();
        return more.isEmpty() ? sb.toString() : sb + ", " + more;
    }

    /** The share done: files and bytes weigh half each (many small files cost by their number, big ones by size). */
    static double done(long f, long b, long tf, long tb) {
        double byFiles = tf > 0 ? Math.min(1, (double) f / tf) : 1;
        double byBytes = tb > 0 ? Math.min(1, (double) b / tb) : byFiles;
        return 0.5 * byFiles + 0.5 * byBytes;
    }

    /** Cut to {@code width} columns, so that the line never wraps (a wrapped line scrolls at each redraw). */
    static String fit(String text, int width) {
        int w = Math.max(10, width - 1);
        return text.length() <= w ? text : text.substring(0, w - 1) + "…";
    }

    @Override
    public void close() {
        ProgressBar b;
        synchronized (this) {
            closed = true;
            if (delayed != null) {
                delayed.interrupt();
            }
            b = bar;
            bar = null;
        }
        if (b != null) {
            b.close(); // outside the lock: its drawing thread takes it for the last draw
        }
        synchronized (this) {
            if (logTicker != null) {
                logTicker.interrupt();
            }
            clear();
        }
    }

    /** Samples of a growing figure over the last few seconds. */
    private static final class Window {
        private final double seconds;
        private final ArrayDeque<double[]> samples = new ArrayDeque<>();

        Window(double seconds) {
            this.seconds = seconds;
        }

        /** Adds {@code value} at {@code now}; returns the time the window spans and what the value gained in it. */
        synchronized double[] add(double now, double value) {
            samples.addLast(new double[] {now, value});
            while (samples.size() > 2 && samples.peekFirst()[0] < now - seconds) {
                samples.removeFirst();
            }
            double[] first = samples.peekFirst();
            return new double[] {now - first[0], value - first[1]};
        }
    }

    /**
     * An ETA from the rate of progress over the last {@code window} seconds, not since the start:
     * a run slow at first (a cold cache, the JVM warming up, the count still running beside it) is
     * not taken to stay slow. None until 5 seconds and 1% of the work are behind.
     */
    static final class Eta {
        private final Window window;

        Eta(double windowSeconds) {
            this.window = new Window(windowSeconds);
        }

        double secondsLeft(double now, double done) {
            double[] w = window.add(now, done);
            if (now < 5 || done < 0.01 || w[0] < 2 || w[1] <= 0) {
                return -1;
            }
            return (1 - done) * w[0] / w[1];
        }
    }

    /** Bytes per second over the last {@code window} seconds. */
    static final class Rate {
        private final Window window;

        Rate(double windowSeconds) {
            this.window = new Window(windowSeconds);
        }

        double perSecond(double now, long total) {
            double[] w = window.add(now, total);
            return w[0] <= 0 ? (now > 0 ? total / now : 0) : w[1] / w[0];
        }
    }
}
