package dev.linkvault.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where a run's lines go besides the terminal: stderr lines start with an ISO timestamp when
 * stderr is no terminal (a cron mail, a journal, a log file), {@code --log-file} gets every line
 * of stdout and stderr appended with its timestamp, and {@code -q} drops the notes. Set up once
 * the command line is parsed; until then lines pass as they are.
 */
final class LogLines {
    /** Made on the first stamped line, not at every start (building a formatter loads the locale data). */
    private static final class Stamp {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    }

    private final boolean stampErr;
    private volatile boolean quiet;
    private Writer file;

    /** {@code stampErr}: stderr is not a terminal, so its lines are log lines. */
    LogLines(boolean stampErr) {
        this.stampErr = stampErr;
    }

    /** Whether this process's stderr is a terminal (Linux: fd 2 is a tty device). */
    static boolean stderrIsTerminal() {
        try {
            String to = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return to.startsWith("/dev/pts/") || to.startsWith("/dev/tty") || to.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    void quiet(boolean q) {
        quiet = q;
    }

    /** Appends every line from now on to {@code path} too (created if missing, as log files are). */
    synchronized void logFile(Path path) throws IOException {
        file = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    synchronized void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // the lines are on the terminal too
            }
            file = null;
        }
    }

    private static String now() {
        return Stamp.FORMAT.format(ZonedDateTime.now());
    }

    private synchronized void toFile(String line) {
        if (file == null) {
            return;
        }
        try {
            file.write(now() + " " + line + "\n");
            file.flush();
        } catch (IOException e) {
            file = null; // a log file that fails stops being written; the run goes on
        }
    }

    /** A writer for stdout ({@code err} false) or stderr that routes its lines as above. */
    Writer writer(Writer target, boolean err) {
        return new Writer() {
            private final StringBuilder line = new StringBuilder();
            private final StringBuilder forFile = new StringBuilder();
            private boolean shownPart;

            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                for (int i = off; i < off + len; i++) {
                    char c = cbuf[i];
                    if (c == '\n') {
                        endLine();
                    } else {
                        line.append(c);
                        if (c == '\r') {
                            forFile.setLength(0); // a live line redrawn: the log keeps lines, not redraws
                        } else {
                            forFile.append(c);
                        }
                    }
                }
            }

            private void endLine() throws IOException {
                String whole = forFile.toString().replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
                boolean drop = err && quiet && !shownPart && whole.startsWith("note: ");
                if (!drop) {
                    target.write((stamp() ? now() + " " : "") + line + "\n");
                    if (!whole.isEmpty() || !shownPart) {
                        toFile(whole);
                    }
                }
                line.setLength(0);
                forFile.setLength(0);
                shownPart = false;
            }

            private boolean stamp() {
                return err && stampErr && !shownPart;
            }

            @Override
            public void flush() throws IOException {
                if (line.length() > 0) {
                    // a line still being written (a live progress line): the terminal gets it now
                    target.write((stamp() ? now() + " " : "") + line);
                    line.setLength(0);
                    shownPart = true;
                }
                target.flush();
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
