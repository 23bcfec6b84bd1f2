package dev.linkvault.cli;

import java.io.IOException;
import java.io.Writer;

/** Writes through, and keeps the last {@code limit} characters written: the log a notification carries. */
final class TailWriter extends Writer {
    private final Writer out;
    private final StringBuilder tail;
    private final int limit;

    TailWriter(Writer out, StringBuilder tail, int limit) {
        this.out = out;
        this.tail = tail;
        this.limit = limit;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
        synchronized (tail) {
            tail.append(buf, off, len);
            if (tail.length() > 2 * limit) {
                tail.delete(0, tail.length() - limit);
            }
        }
    }

    /** The last part kept, at most the limit. */
    static String last(StringBuilder tail, int limit) {
        synchronized (tail) {
            return tail.length() <= limit ? tail.toString() : tail.substring(tail.length() - limit);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
