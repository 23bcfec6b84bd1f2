package dev.linkvault.repo;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

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
                String[] f = line.split("\t", -1);
                try {
                    if (f[0].equals("!")) {
                        visitor.error(unescape(f[1]), unescape(f[2]));
                        continue;
                    }
                    Type t = Type.of(f[0].charAt(0));
                    visitor.item(new Item(t, Integer.parseInt(f[1], 8), Long.parseLong(f[2]), Instant.parse(f[3]),
                            f[4].equals("-") ? null : f[4], unescape(f[5]), t == Type.SYMLINK ? unescape(f[6]) : null));
                } catch (RuntimeException e) {
                    throw new DamagedException(file + " line " + lineNo + " is damaged: " + e.getMessage(), e);
                }
            }
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            throw new DamagedException(file + " is cut short or damaged: " + e.getMessage(), e);
        }
        throw new DamagedException(file + " is cut short: it has no end line", null);
    }

    /** The manifest itself cannot be read to its end (as opposed to a failure of whoever reads it). */
    public static final class DamagedException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes a manifest to a new file; {@link #finish} adds the end line and makes it durable. */
    public static final class Writer implements Closeable {
        private final FileChannel channel;
        private final GZIPOutputStream gzip;
        private final java.io.Writer out;

        public Writer(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            // Fastest compression: manifests compress well at any level, and CPU is the cost here.
            gzip = new GZIPOutputStream(Channels.newOutputStream(channel), 65536) {
                {
                    def.setLevel(java.util.zip.Deflater.BEST_SPEED);
                }
            };
            out = new BufferedWriter(new OutputStreamWriter(gzip, StandardCharsets.UTF_8), 65536);
            out.write(HEADER);
            out.write('\n');
        }

        public void item(Item it) throws IOException {
            out.write(it.type().code);
            tab().write(octal(it.mode()));
            tab().write(Long.toString(it.size()));
            tab().write(it.mtime().toString());
            tab().write(it.blob() == null ? "-" : it.blob());
            tab();
            escape(it.path(), out);
            if (it.type() == Type.SYMLINK) {
                tab();
                escape(it.target(), out);
            }
            out.write('\n');
        }

        public void error(String path, String message) throws IOException {
            out.write('!');
            tab();
            escape(path, out);
            tab();
            escape(message, out);
            out.write('\n');
        }

        private java.io.Writer tab() throws IOException {
            out.write('\t');
            return out;
        }

        /** Writes the end line and forces the whole manifest to disk. */
        public void finish(SnapshotSummary summary) throws IOException {
            out.write(TRAILER);
            out.write(summary.toJson());
            out.write('\n');
            out.flush();
            gzip.finish();
            channel.force(true);
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } finally {
                channel.close();
            }
        }
    }

    static String octal(int mode) {
        String o = Integer.toOctalString(mode);
        return o.length() >= 4 ? o : "0000".substring(o.length()) + o;
    }

    public static void escape(String s, java.io.Writer out) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.write("\\\\");
                case '\t' -> out.write("\\t");
                case '\n' -> out.write("\\n");
                case '\r' -> out.write("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.write(String.format("\\x%02x", (int) c));
                    } else {
                        out.write(c);
                    }
                }
            }
        }
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
