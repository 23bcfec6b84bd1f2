package dev.linkvault.repo;

import dev.linkvault.RelPath;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Where each gzip member of a manifest starts and the first path in it, so that one path, one
 * folder's entries or one subtree are read by inflating a few members instead of the whole
 * manifest: a look-up costs the same in a snapshot of a thousand files or of a million.
 * The format is in spec/repository-format.md ("Manifest index").
 */
public final class ManifestIndex {
    /** Appended to the manifest's file name. */
    public static final String SUFFIX = ".idx";
    static final String HEADER = "linkvault-manifest-index\t1";

    /** Which lines under a path a reader wants. */
    public enum Scope {
        /** The path's own lines only. */
        PATH,
        /** The path and the entries directly in it. */
        CHILDREN,
        /** The path and everything below it. */
        SUBTREE
    }

    private final Path manifest;
    private final long endOffset;
    private final long manifestSize;
    private final List<Span> spans;
    // The member lines stay bytes until a search needs one: a look-up decodes a dozen of them.
    private final byte[] data;
    private final int[] lineStart;
    private final long[] offsets;
    private final String[] keys;

    /** One source's members: {@code count} blocks from {@code first}; {@code sorted} when its lines are in manifest order. */
    private record Span(String source, int first, int count, boolean sorted) {}

    private ManifestIndex(Path manifest, long manifestSize, long endOffset, List<Span> spans, byte[] data, int[] lineStart) {
        this.manifest = manifest;
        this.manifestSize = manifestSize;
        this.endOffset = endOffset;
        this.spans = spans;
        this.data = data;
        this.lineStart = lineStart;
        this.offsets = new long[lineStart.length];
        java.util.Arrays.fill(offsets, -1);
        this.keys = new String[lineStart.length];
    }

    /**
     * The index of {@code manifest}, or null when it has none (written before indexes existed,
     * or lost) or the index does not belong to it: readers then stream the whole manifest.
     */
    public static ManifestIndex load(Path manifest) throws IOException {
        byte[] data;
        long size;
        try {
            data = Files.readAllBytes(Manifest.Writer.indexOf(manifest));
            size = Files.size(manifest);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            int pos = 0;
            String[] head = line(data, pos).split("\t");
            pos = next(data, pos);
            if (head.length != 4 || !(head[0] + "\t" + head[1]).equals(HEADER) || Long.parseLong(head[2]) != size) {
                return null;
            }
            long end = Long.parseLong(head[3]);
            List<Span> spans = new ArrayList<>();
            while (pos < data.length && data[pos] == 'S') {
                String[] f = line(data, pos).split("\t", 5);
                spans.add(new Span(Manifest.unescape(f[4]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3].equals("1")));
                pos = next(data, pos);
            }
            int[] starts = new int[64];
            int blocks = 0;
            for (; pos < data.length; pos = next(data, pos)) {
                if (blocks == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, blocks * 2);
                }
                starts[blocks++] = pos;
            }
            for (Span s : spans) {
                if (s.first() < 0 || s.count() < 0 || s.first() + s.count() > blocks) {
                    return null;
                }
            }
            return new ManifestIndex(manifest, size, end, spans, data, java.util.Arrays.copyOf(starts, blocks));
        } catch (RuntimeException e) {
            return null; // not an index this version wrote: the manifest itself still reads
        }
    }

    private static int next(byte[] data, int pos) {
        while (pos < data.length && data[pos] != '\n') {
            pos++;
        }
        return pos + 1;
    }

    private static String line(byte[] data, int pos) {
        int end = next(data, pos) - 1;
        return new String(data, pos, Math.min(end, data.length) - pos, StandardCharsets.UTF_8);
    }

    /** Where member {@code b} starts in the manifest. */
    private long offset(int b) {
        if (offsets[b] < 0) {
            String l = line(data, lineStart[b]);
            offsets[b] = Long.parseLong(l, 0, l.indexOf('\t'), 10);
        }
        return offsets[b];
    }

    /** The first path in member {@code b}. */
    private String key(int b) {
        if (keys[b] == null) {
            String l = line(data, lineStart[b]);
            keys[b] = Manifest.unescape(l.substring(l.indexOf('\t') + 1));
        }
        return keys[b];
    }

    /** The summary from the manifest's end line, inflating only the last member. */
    public SnapshotSummary summary() throws IOException {
        try (BufferedReader r = block(endOffset, manifestSize)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(Manifest.TRAILER)) {
                    return SnapshotSummary.fromJson(line.substring(Manifest.TRAILER.length()));
                }
            }
        }
        throw new Manifest.DamagedException(manifest + " is cut short: it has no end line", null);
    }

    /**
     * Hands {@code visitor} the lines of {@code base} in {@code scope}, in manifest order.
     *
     * @return whether the manifest has {@code base} (the root always)
     */
    public boolean read(RelPath base, Scope scope, Manifest.Visitor visitor) throws IOException {
        String b = base.toString();
        boolean found = base.isRoot();
        for (Span s : spans) {
            if (base.isRoot() || s.source().equals(base.parts().get(0))) {
                found |= s.sorted() ? seek(s, b, scope, visitor) : scan(s, b, scope, visitor);
            }
        }
        return found;
    }

    /** A sorted span: start at the member that holds {@code base}, skip subtrees a folder listing does not need. */
    private boolean seek(Span s, String base, Scope scope, Manifest.Visitor visitor) throws IOException {
        int end = s.first() + s.count();
        int baseDepth = base.isEmpty() ? 0 : depth(base);
        var at = new Object() {
            int block = lastAtOrBefore(s.first(), end, base);
            int jumpTo = -1;
            boolean found;
            boolean done;
            String skipping;
        };
        while (at.block < end && !at.done) {
            at.jumpTo = -1;
            eachLine(at.block, (line, p) -> {
                if (!Manifest.under(p, base)) {
                    at.done = Manifest.comparePaths(p, base) > 0;
                    return !at.done;
                }
                if (at.skipping != null && Manifest.under(p, at.skipping)) {
                    return true;
                }
                at.skipping = null;
                at.found = true;
                if (wanted(p, baseDepth, scope)) {
                    Manifest.deliver(manifest, 0, line, visitor);
                    return true;
                }
                if (scope == Scope.PATH) {
                    at.done = true; // past the path's own lines
                    return false;
                }
                // inside a child folder: jump past its subtree when that spans members
                at.skipping = prefix(p, baseDepth + 1);
                int after = firstAfter(at.block + 1, end, at.skipping);
                if (after - 1 > at.block) {
                    at.jumpTo = after - 1;
                    return false;
                }
                return true;
            });
            at.block = at.jumpTo >= 0 ? at.jumpTo : at.block + 1;
        }
        return at.found;
    }

    /** A span whose lines are not in order (none this version writes): every member is read. */
    private boolean scan(Span s, String base, Scope scope, Manifest.Visitor visitor) throws IOException {
        boolean[] found = {false};
        int baseDepth = base.isEmpty() ? 0 : depth(base);
        for (int b = s.first(); b < s.first() + s.count(); b++) {
            eachLine(b, (line, p) -> {
                if (Manifest.under(p, base)) {
                    found[0] = true;
                    if (wanted(p, baseDepth, scope)) {
                        Manifest.deliver(manifest, 0, line, visitor);
                    }
                }
                return true;
            });
        }
        return found[0];
    }

    /** Gets each line of a member with the path it is about; returns false to stop reading it. */
    private interface Lines {
        boolean line(String line, String path) throws IOException;
    }

    private void eachLine(int b, Lines handler) throws IOException {
        try (BufferedReader r = block(b)) {
            String line;
            while ((line = r.readLine()) != null) {
                String escaped = Manifest.linePath(line);
                if (escaped != null && !handler.line(line, Manifest.unescape(escaped))) {
                    return;
                }
            }
        }
    }

    /** Whether {@code p}, known to be at or under the base, is in the scope. */
    static boolean wanted(String p, int baseDepth, Scope scope) {
        return switch (scope) {
            case SUBTREE -> true;
            case PATH -> (p.isEmpty() ? 0 : depth(p)) == baseDepth;
            case CHILDREN -> (p.isEmpty() ? 0 : depth(p)) <= baseDepth + 1;
        };
    }

    private static int depth(String p) {
        int n = 1;
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    /** The first {@code n} components of {@code p}. */
    private static String prefix(String p, int n) {
        int i = -1;
        for (int k = 0; k < n; k++) {
            i = p.indexOf('/', i + 1);
            if (i < 0) {
                return p;
            }
        }
        return p.substring(0, i);
    }

    /** The last block in [from, to) whose first path is at or before {@code path}; {@code from} if none. */
    private int lastAtOrBefore(int from, int to, String path) {
        int lo = from;
        int hi = to - 1;
        int best = from;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Manifest.comparePaths(key(mid), path) <= 0) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    /** The first block in [from, to) whose first path comes after everything under {@code dir}; {@code to} if none. */
    private int firstAfter(int from, int to, String dir) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Manifest.comparePaths(key(mid), dir) > 0 && !Manifest.under(key(mid), dir)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private BufferedReader block(int b) throws IOException {
        return block(offset(b), b + 1 < offsets.length ? offset(b + 1) : manifestSize);
    }

    private BufferedReader block(long from, long to) throws IOException {
        if (from < 0 || to > manifestSize || to <= from || to - from > Integer.MAX_VALUE) {
            throw new Manifest.DamagedException(manifest + ": its index names a part outside it; rebuild it with"
                    + " linkvault reindex", null);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
        try (FileChannel ch = FileChannel.open(manifest, StandardOpenOption.READ)) {
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position()) < 0) {
                    throw new Manifest.DamagedException(manifest + " is shorter than its index says", null);
                }
            }
        }
        return new BufferedReader(new InputStreamReader(
                new GZIPInputStream(new ByteArrayInputStream(buf.array()), 8192), StandardCharsets.UTF_8), 16384);
    }

    /** Collects the index while a manifest is written. */
    static final class Builder {
        private final List<Long> offsets = new ArrayList<>();
        private final List<String> keys = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();
        private final List<Integer> firsts = new ArrayList<>();
        private final java.util.Set<String> unsorted = new java.util.HashSet<>();

        void block(long offset, String firstPath) {
            int slash = firstPath.indexOf('/');
            String source = slash < 0 ? firstPath : firstPath.substring(0, slash);
            if (sources.isEmpty() || !sources.get(sources.size() - 1).equals(source)) {
                sources.add(source);
                firsts.add(offsets.size());
            }
            offsets.add(offset);
            keys.add(firstPath);
        }

        void unsorted(String source) {
            unsorted.add(source);
        }

        /** Writes the index of a manifest of {@code manifestSize} bytes to {@code file}, forced to disk. */
        void write(Path file, long manifestSize) throws IOException {
            StringWriter w = new StringWriter();
            long end = offsets.isEmpty() ? 0 : offsets.get(offsets.size() - 1);
            w.write(HEADER + "\t" + manifestSize + "\t" + end + "\n");
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < sources.size(); i++) {
                int count = (i + 1 < sources.size() ? firsts.get(i + 1) : offsets.size()) - firsts.get(i);
                // a source that came twice (not in one piece) is read whole, as if unsorted
                boolean sorted = !unsorted.contains(sources.get(i)) && seen.add(sources.get(i))
                        && sources.lastIndexOf(sources.get(i)) == i;
                w.write("S\t" + firsts.get(i) + "\t" + count + "\t" + (sorted ? 1 : 0) + "\t");
                Manifest.escape(sources.get(i), w);
                w.write('\n');
            }
            for (int i = 0; i < offsets.size(); i++) {
                w.write(offsets.get(i) + "\t");
                Manifest.escape(keys.get(i), w);
                w.write('\n');
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(w.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        }
    }
}
