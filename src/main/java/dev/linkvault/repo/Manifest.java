package dev.linkvault.repo;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.GZIPInputStream;

/**
 * A snapshot's manifest: gzip-compressed, tab-separated lines, one per path, with the path's
 * own mtime and mode (hard links share one inode, so the tree cannot keep them). The last line
 * carries the snapshot's summary; a manifest without it is not a complete manifest.
 * The format is specified in spec/repository-format.md.
 */
public final class Manifest {
    static final String HEADER = "linkvault-manifest\t1";
    static final String TRAILER = "#end\t";

    private Manifest() {}

    /** What a manifest line describes. */
    public enum Type {
        FILE('F'), DIR('D'), SYMLINK('L');

        final char code;

        Type(char code) {
            this.code = code;
        }

        static Type of(char c) {
            for (Type t : values()) {
                if (t.code == c) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown entry type '" + c + "'");
        }
    }

    /**
     * One path of a snapshot. {@code path} is slash-separated, relative to the snapshot root
     * (its first component is the source name). {@code blob} is null for folders and symlinks.
     */
    public record Item(Type type, int mode, long size, Instant mtime, String blob, String path, String target) {}

    /** Receives a manifest's content in order. */
    public interface Visitor {
        void item(Item item) throws IOException;

        default void error(String path, String message) throws IOException {}

        /** A note kept about the path of the line before (for example: encrypted by the source). */
        default void note(String path, String message) throws IOException {}
    }

    /** Streams a manifest and returns its summary; fails on a manifest that is cut short. */
    public static SnapshotSummary read(Path file, Visitor visitor) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Channels.newInputStream(FileChannel.open(file)), 65536), StandardCharsets.UTF_8))) {
            String first = r.readLine();
            if (!HEADER.equals(first)) {
                throw new DamagedException(file + " is not a linkvault manifest (version 1)", null);
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.startsWith(TRAILER)) {
                    return SnapshotSummary.fromJson(line.substring(TRAILER.length()));
                }
                deliver(file, lineNo, line, visitor);
            }
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            throw new DamagedException(file + " is cut short or damaged: " + e.getMessage(), e);
        }
        throw new DamagedException(file + " is cut short: it has no end line", null);
    }

    /** Hands one line (not the header, not the end line) to {@code visitor}. */
    static void deliver(Path file, long lineNo, String line, Visitor visitor) throws IOException {
        String[] f = line.split("\t", -1);
        try {
            if (f[0].equals("!")) {
                visitor.error(unescape(f[1]), unescape(f[2]));
                return;
            }
            if (f[0].equals("N")) {
                visitor.note(unescape(f[1]), unescape(f[2]));
                return;
            }
            Type t = Type.of(f[0].charAt(0));
            visitor.item(new Item(t, Integer.parseInt(f[1], 8), Long.parseLong(f[2]), dev.linkvault.Instants.parse(f[3]),
                    f[4].equals("-") ? null : f[4], unescape(f[5]), t == Type.SYMLINK ? unescape(f[6]) : null));
        } catch (RuntimeException e) {
            throw new DamagedException(file + " line " + lineNo + " is damaged: " + e.getMessage(), e);
        }
    }

    /** The path a line is about (escaped as written), or null for the header and the end line. */
    static String linePath(String line) {
        if (line.startsWith("!\t") || line.startsWith("N\t")) {
            int end = line.indexOf('\t', 2);
            return end < 0 ? null : line.substring(2, end);
        }
        int tabs = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\t' && ++tabs == 5) {
                int end = line.indexOf('\t', i + 1);
                return line.substring(i + 1, end < 0 ? line.length() : end);
            }
        }
        return null;
    }

    /**
     * The order of paths in a manifest: depth-first, a folder's contents right after it, names in
     * code-point order. The same as comparing the paths' UTF-8 bytes with '/' below every other byte.
     */
    public static int comparePaths(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                if (ca == '/') {
                    return -1;
                }
                if (cb == '/') {
                    return 1;
                }
                return Integer.compare(codePointOrder(ca), codePointOrder(cb));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    // UTF-16 units compared in code-point order: surrogates (U+D800-DFFF) sort above U+E000-FFFF.
    private static int codePointOrder(char c) {
        return c < 0xD800 ? c : c < 0xE000 ? c + 0x2000 : c - 0x800;
    }

    /** True when {@code path} is {@code base} or lies below it (both slash-separated, {@code base} "" is the root). */
    public static boolean under(String path, String base) {
        return base.isEmpty() || path.startsWith(base) && (path.length() == base.length() || path.charAt(base.length()) == '/');
    }

    /** The manifest itself cannot be read to its end (as opposed to a failure of whoever reads it). */
    public static final class DamagedException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes a manifest to a new file; {@link #finish} adds the end line and makes it durable.
     * The file is a series of gzip members of about {@link #BLOCK} bytes of lines each (a plain
     * gzip reader reads them as one stream), a new one for each source, and beside it goes the
     * index of where each member starts and the first path in it ({@link ManifestIndex}).
     */
    public static final class Writer implements Closeable {
        /** Uncompressed bytes per gzip member: one look-up inflates about this much. */
        static final int BLOCK = 64 * 1024;

        private final Path file;
        private final FileChannel channel;
        private final java.io.OutputStream raw;
        private final ManifestIndex.Builder index;
        private final GzipMembers gzip;
        // every line goes through this, as UTF-8, to the current member, counted: the member's size so far
        private final LineBytes line;
        private String blockSource;
        private String lastPath;

        public Writer(Path file) throws IOException {
            this.file = file;
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            raw = Channels.newOutputStream(channel);
            index = new ManifestIndex.Builder();
            // Fastest compression: manifests compress well at any level, and CPU is the cost here.
            gzip = new GzipMembers(raw, java.util.zip.Deflater.BEST_SPEED);
            line = new LineBytes(gzip);
            startBlock(null);
            line.write(HEADER);
            line.write('\n');
        }

        /** Where the index of a manifest written to {@code file} goes (it is published with it). */
        public static Path indexOf(Path file) {
            return file.resolveSibling(file.getFileName() + ManifestIndex.SUFFIX);
        }

        private void startBlock(String firstPath) throws IOException {
            line.drain();
            gzip.endMember();
            long offset = channel.position(); // where the new member's header goes, with its first byte
            line.count = 0;
            if (firstPath != null) {
                index.block(offset, firstPath);
            }
        }

        /** Starts a new member before a line about {@code path} when the block is full or the source changes. */
        private void before(String path) throws IOException {
            if (blockSource == null || !under(path, blockSource)) {
                // the header stays alone in the first member, and no member holds two sources
                int slash = path.indexOf('/');
                startBlock(path);
                blockSource = slash < 0 ? path : path.substring(0, slash);
                lastPath = null;
            } else if (line.count >= BLOCK) {
                startBlock(path);
            }
            if (lastPath != null && comparePaths(lastPath, path) > 0) {
                index.unsorted(blockSource);
            }
            lastPath = path;
        }

        public void item(Item it) throws IOException {
            before(it.path());
            line.write(it.type().code);
            line.tab().octal(it.mode());
            line.tab().number(it.size());
            line.tab().write(dev.linkvault.Instants.text(it.mtime()));
            line.tab().write(it.blob() == null ? "-" : it.blob());
            line.tab();
            escape(it.path(), line);
            if (it.type() == Type.SYMLINK) {
                line.tab();
                escape(it.target(), line);
            }
            line.write('\n');
        }

        /** A note about the path just written (an {@code N} line), kept with it in its member. */
        public void note(String path, String message) throws IOException {
            pathLine('N', path, message);
        }

        public void error(String path, String message) throws IOException {
            before(path);
            pathLine('!', path, message);
        }

        private void pathLine(char code, String path, String message) throws IOException {
            line.write(code);
            line.tab();
            escape(path, line);
            line.tab();
            escape(message, line);
            line.write('\n');
        }

        /** Writes the end line and forces the whole manifest, then its index, to disk. */
        public void finish(SnapshotSummary summary) throws IOException {
            line.write(TRAILER);
            line.write(summary.toJson());
            line.write('\n');
            line.drain();
            gzip.endMember();
            channel.force(true);
            index.write(indexOf(file), channel.size());
        }

        @Override
        public void close() throws IOException {
            try {
                gzip.close();
            } finally {
                channel.close();
            }
        }
    }

    /**
     * A manifest's text as UTF-8 bytes, gathered and handed to the current gzip member 64 KiB at a
     * time, counted: the member's size so far, in bytes. Where a BufferedWriter, an
     * OutputStreamWriter and its encoder took a lock a call and copied each line twice, this
     * copies an ASCII char straight into the buffer; a run with other chars goes through
     * {@link String#getBytes}, which writes a lone surrogate as '?' as the encoder did.
     */
    private static final class LineBytes extends java.io.Writer {
        private final java.io.OutputStream to;
        private final byte[] buf = new byte[64 * 1024];
        private int n;
        long count;

        LineBytes(java.io.OutputStream to) {
            this.to = to;
        }

        /** Hands what is gathered to the member. */
        void drain() throws IOException {
            if (n > 0) {
                to.write(buf, 0, n);
                n = 0;
            }
        }

        LineBytes tab() throws IOException {
            write('\t');
            return this;
        }

        /** {@code v} in decimal, as Long.toString writes it. */
        void number(long v) throws IOException {
            if (v < 0) {
                write(Long.toString(v));
                return;
            }
            if (buf.length - n < 20) {
                drain();
            }
            int digits = 1;
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            for (int i = n + digits - 1; i >= n; i--) {
                buf[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            n += digits;
            count += digits;
        }

        /** A mode as {@link Manifest#octal} writes it: at least four octal digits. */
        void octal(int mode) throws IOException {
            if (mode < 0 || mode > 07777) {
                write(Manifest.octal(mode));
                return;
            }
            if (buf.length - n < 4) {
                drain();
            }
            for (int i = 3; i >= 0; i--) {
                buf[n + i] = (byte) ('0' + (mode & 7));
                mode >>>= 3;
            }
            n += 4;
            count += 4;
        }

        @Override
        public void write(int c) throws IOException {
            if (c < 0x80) {
                if (n == buf.length) {
                    drain();
                }
                buf[n++] = (byte) c;
                count++;
            } else {
                write(String.valueOf((char) c), 0, 1);
            }
        }

        @Override
        public void write(String s) throws IOException {
            write(s, 0, s.length());
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            int end = off + len;
            for (int i = off; i < end; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    bytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                    return;
                }
                if (n == buf.length) {
                    drain();
                }
                buf[n++] = (byte) c;
                count++;
            }
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            write(new String(cbuf, off, len), 0, len);
        }

        private void bytes(byte[] b) throws IOException {
            if (b.length > buf.length - n) {
                drain();
            }
            if (b.length > buf.length) {
                to.write(b);
            } else {
                System.arraycopy(b, 0, buf, n, b.length);
                n += b.length;
            }
            count += b.length;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    static String octal(int mode) {
        String o = Integer.toOctalString(mode);
        return o.length() >= 4 ? o : "0000".substring(o.length()) + o;
    }

    public static void escape(String s, java.io.Writer out) throws IOException {
        int len = s.length();
        int i = 0;
        while (i < len) {
            // a run with nothing to escape goes in one write, not one (locked) write a char, and a
            // surrogate pair stays within one call
            int plain = i;
            while (plain < len && !needsEscape(s.charAt(plain))) {
                plain++;
            }
            out.write(s, i, plain - i);
            if (plain == len) {
                return;
            }
            char c = s.charAt(plain);
            switch (c) {
                case '\\' -> out.write("\\\\");
                case '\t' -> out.write("\\t");
                case '\n' -> out.write("\\n");
                case '\r' -> out.write("\\r");
                default -> out.write(String.format("\\x%02x", (int) c));
            }
            i = plain + 1;
        }
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7f || c == '\\';
    }

    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case '\\' -> sb.append('\\');
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 'x' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + n);
            }
        }
        return sb.toString();
    }
}
