package dev.linkvault.repo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Walks the store: every file under {@code .data/sha1} as a blob (or overflow copy), every file
 * under {@code .data/etag} as an alias, in name order, one folder in memory at a time.
 */
public final class StoreScan {
    private StoreScan() {}

    /** Whether fan-out folders are listed through the native helper when it is loaded (tests turn it off to compare). */
    static boolean nativeListing = true;

    /**
     * One file of {@code .data/sha1}: {@code at} itself, or the entry {@code under} of the folder
     * {@code at}. Its path is made when asked for: a gc that removes nothing asks for none, and
     * making one per blob was a tenth of the scan's own work.
     *
     * @param blob the blob it holds, or null when the name is not a blob name (a stray file)
     * @param copy 0 for the blob itself, n for overflow copy {@code .n}
     * @param mode the permission bits
     */
    public record StoredFile(Path at, String under, BlobId blob, int copy, long inode, int links, long size, int mode) {
        public Path path() {
            return under == null ? at : at.resolve(under);
        }

        /** Whether any write bit is set: a blob must be read-only (0444), or a write through a snapshot changes them all. */
        public boolean writable() {
            return (mode & 0222) != 0;
        }
    }

    /** One file of {@code .data/etag}: an ETag alias, a hard link to a blob's inode. */
    public record Alias(Path path, String etag, long inode, int links) {}

    /** Receives what a scan finds. */
    public interface Visitor<T> {
        void visit(T item) throws IOException;
    }

    /**
     * Visits the blobs of the fan-out folders whose number (0-255, from the two hex digits)
     * {@code fanout} accepts.
     *
     * <p>The order is the contract {@link dev.linkvault.maintain.GarbageCollector} relies on: the
     * fan-out folders in name order, and in each the files sorted by blob name, then by copy
     * number. So a blob and its overflow copies ({@code <name>}, {@code <name>.1}, {@code .2}, ...)
     * always come one after another, the blob itself first, whatever order the directory lists
     * them in, and a visitor that must decide a blob together with its copies (gc: the blob stays
     * while any copy is used) needs to hold only the current group. A collision variant
     * ({@code <name>-<sha256>}) is another blob and forms a group of its own. A file that vanishes
     * between the listing and its {@code lstat} (removed meanwhile) is not visited.
     */
    public static void blobs(Path sha1Dir, IntPredicate fanout, Visitor<StoredFile> visitor) throws IOException {
        blobs(sha1Dir, fanout, -1, visitor, n -> { });
    }

    /**
     * As {@link #blobs(Path, IntPredicate, Visitor)}, but where the native helper lists a folder and
     * {@code maxLinks >= 0}, a blob with more links than that (a regular file, a plain blob name, in a
     * folder without overflow copies) is not visited, only counted to {@code skipped}: gc, for which
     * such a blob is in use, then makes nothing of it in Java. Without the helper every file is visited.
     */
    public static void blobs(Path sha1Dir, IntPredicate fanout, int maxLinks, Visitor<StoredFile> visitor,
                             java.util.function.LongConsumer skipped) throws IOException {
        // The lstat of each file is the cost (gc, stats): a few folders are listed and stat'ed
        // ahead on other threads, while the visitor goes through them one at a time, in order,
        // on the caller's thread. At most two folders per thread are held, so memory stays flat.
        // A file's link count may thus be read a little before the visitor sees it: gc holds the
        // writer lock, so no link is added meanwhile, and its removals touch no other blob's count.
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = dev.linkvault.Parallel.daemons(threads, "linkvault-store-scan");
        try {
            java.util.ArrayDeque<java.util.concurrent.Future<Fan>> ahead = new java.util.ArrayDeque<>();
            java.util.Iterator<Path> dirs = sorted(sha1Dir).iterator();
            while (dirs.hasNext() || !ahead.isEmpty()) {
                while (dirs.hasNext() && ahead.size() < 2 * threads) {
                    Path dir = dirs.next();
                    ahead.add(pool.submit(() -> fanDir(dir, fanout, maxLinks)));
                }
                Fan fan = dev.linkvault.Parallel.await(ahead.poll(), "scanning the store");
                for (StoredFile f : fan.files()) {
                    visitor.visit(f);
                }
                if (fan.skipped() > 0) {
                    skipped.accept(fan.skipped());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The files of one entry of {@code .data/sha1} to visit, in the order {@link #blobs} visits them, and how many were left out. */
    private record Fan(List<StoredFile> files, long skipped) {}

    /** The files of one entry of {@code .data/sha1}, in the order {@link #blobs} visits them. */
    private static Fan fanDir(Path dir, IntPredicate fanout, int maxLinks) throws IOException {
        String fan = dir.getFileName().toString();
        if (fan.length() != 2 || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return new Fan(List.of(new StoredFile(dir, null, null, 0, 0, 0, 0, 0)), 0);
        }
        int n;
        try {
            n = Integer.parseInt(fan, 16);
        } catch (NumberFormatException e) {
            return new Fan(List.of(new StoredFile(dir, null, null, 0, 0, 0, 0, 0)), 0);
        }
        if (!fanout.test(n)) {
            return new Fan(List.of(), 0);
        }
        // A blob, then its copies .1, .2, ... .10: whoever groups by blob sees them together.
        long[] skipped = new long[1];
        List<Named> named = listed(dir, maxLinks, skipped);
        named.sort((x, y) -> {
            int byBase = x.base().compareTo(y.base());
            return byBase != 0 ? byBase : Long.compare(x.copy(), y.copy());
        });
        List<StoredFile> out = new ArrayList<>(named.size());
        for (Named nf : named) {
            long ino = nf.ino();
            int links = nf.links();
            long size = nf.size();
            int mode = nf.mode();
            if (mode == 0) {
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(nf.in(dir), "unix:ino,nlink,size,mode", LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // removed since the listing (a gc running beside a verify)
                }
                ino = (Long) a.get("ino");
                links = (Integer) a.get("nlink");
                size = (Long) a.get("size");
                mode = (Integer) a.get("mode");
            }
            String name = nf.name();
            int copy = 0;
            int dot = name.indexOf('.');
            BlobId id = null;
            try {
                if (dot >= 0) {
                    copy = Integer.parseInt(name.substring(dot + 1));
                    name = name.substring(0, dot);
                }
                id = copy >= 0 ? BlobId.parse(fan + name) : null;
            } catch (IllegalArgumentException notABlobName) {
                id = null;
            }
            out.add(nf.path() != null ? new StoredFile(nf.path(), null, id, copy, ino, links, size, mode & 07777)
                    : new StoredFile(dir, nf.name(), id, copy, ino, links, size, mode & 07777));
        }
        return new Fan(out, skipped[0]);
    }

    /**
     * The entries of a fan-out folder, with their attributes where the native helper read them
     * with the listing (readdir and fstatat on the open folder, as {@code find} does); mode 0 where
     * they are still to be read (the JDK's listing, or an entry whose fstatat failed).
     */
    private static List<Named> listed(Path dir, int maxLinks, long[] skipped) throws IOException {
        List<Named> named = new ArrayList<>();
        List<dev.linkvault.NativeDir.Child> children = nativeListing ? dev.linkvault.NativeDir.list(dir, maxLinks, skipped) : null;
        if (children != null && !children.stream().allMatch(dev.linkvault.NativeDir.Child::validName)) {
            children = null; // listed again the JDK's way, and whole
            skipped[0] = 0;
        }
        if (children != null) {
            for (dev.linkvault.NativeDir.Child c : children) {
                named.add(new Named(null, c.name(), base(c.name()), copyNumber(c.name()), c.ino(),
                        (int) Math.min(Integer.MAX_VALUE, c.links()), c.size(), c.mode()));
            }
            return named;
        }
        // no helper, or a name that is not UTF-8 (a stray file): the JDK keeps such a name's bytes
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                named.add(new Named(p, n, base(n), copyNumber(n), 0, 0, 0, 0));
            }
        }
        return named;
    }

    /** Visits every ETag alias. */
    public static void aliases(Path etagDir, Visitor<Alias> visitor) throws IOException {
        if (!Files.isDirectory(etagDir)) {
            return;
        }
        for (Path dir : sorted(etagDir)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            for (Path f : sorted(dir)) {
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(f, "unix:ino,nlink", LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                visitor.visit(new Alias(f, dir.getFileName().toString() + f.getFileName(), (Long) a.get("ino"),
                        (Integer) a.get("nlink")));
            }
        }
    }

    /** Whether the store has any alias at all (most local-only repositories have none). */
    public static boolean hasAliases(Path etagDir) throws IOException {
        if (!Files.isDirectory(etagDir)) {
            return false;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(etagDir)) {
            for (Path d : ds) {
                try (DirectoryStream<Path> inner = Files.newDirectoryStream(d)) {
                    if (inner.iterator().hasNext()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * A listed entry: {@code path} null when it is its folder's path plus {@code name} (the JDK's
     * listing gives the path, which keeps a name's bytes that are not UTF-8); mode 0 when its
     * attributes are still to be read.
     */
    private record Named(Path path, String name, String base, long copy, long ino, int links, long size, int mode) {
        Path in(Path dir) {
            return path != null ? path : dir.resolve(name);
        }
    }

    private static String base(String n) {
        int dot = n.indexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    private static long copyNumber(String n) {
        int dot = n.indexOf('.');
        try {
            return dot < 0 ? 0 : Long.parseLong(n.substring(dot + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static List<Path> sorted(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        out.sort(null);
        return out;
    }
}
