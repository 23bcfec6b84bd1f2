package dev.linkvault.source.local;

import dev.linkvault.NativeDir;
import dev.linkvault.source.DiskFile;
import dev.linkvault.source.Entry;
import dev.linkvault.source.PathFilter;
import dev.linkvault.source.TreeFilter;
import dev.linkvault.source.Sink;
import dev.linkvault.source.Source;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A folder on this machine. Walks depth-first in name order, never follows symlinks (they are
 * stored as symlinks), skips sockets, pipes and devices with a note.
 */
public final class LocalSource implements Source {
    private static final String ATTRS = "unix:mode,ino,dev,ctime,size,lastModifiedTime";
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    /** Folders listed with their attributes by the native helper where it is loaded; off only for tests. */
    static boolean nativeListing = true;

    private final String name;
    private final Path root;
    private final PathFilter filter;
    private final boolean oneFileSystem;
    private final Path keepOut;

    public LocalSource(String name, Path root, PathFilter filter) {
        this(name, root, filter, false, null);
    }

    /**
     * @param oneFileSystem enter no folder on another filesystem than the root's (restic's {@code -x})
     * @param keepOut       a folder never read, wherever it lies below the root (the repository), or null
     */
    public LocalSource(String name, Path root, PathFilter filter, boolean oneFileSystem, Path keepOut) {
        this.name = name;
        this.root = root;
        this.filter = filter;
        this.oneFileSystem = oneFileSystem;
        this.keepOut = keepOut;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean keysArePaths() {
        return true;
    }

    @Override
    public void check() throws IOException {
        rootAttributes();
        if (keepOut != null && Files.exists(keepOut)) {
            Path real = root.toRealPath();
            Path out = keepOut.toRealPath();
            if (real.startsWith(out)) {
                throw new IOException("folder " + root + " of source '" + name + "' is inside the repository " + keepOut
                        + "; a repository cannot back itself up: choose a folder outside it");
            }
        }
    }

    /** What the walk needs of an entry's attributes, from the JDK's {@code unix:} view or the native listing. */
    private record Attrs(int mode, long ino, long dev, long size, Instant mtime, Instant ctime) {
        static Attrs of(Map<String, Object> a) {
            return new Attrs((Integer) a.get("mode"), (Long) a.get("ino"), (Long) a.get("dev"), (Long) a.get("size"),
                    ((FileTime) a.get("lastModifiedTime")).toInstant(), ((FileTime) a.get("ctime")).toInstant());
        }

        static Attrs of(NativeDir.Child c) {
            return new Attrs(c.mode(), c.ino(), c.dev(), c.size(), c.mtime(), c.ctime());
        }

        static Attrs read(Path p, LinkOption... options) throws IOException {
            return of(Files.readAttributes(p, ATTRS, options));
        }

        /** The device and inode of a folder, to know it again under any name. */
        String identity() {
            return dev + ":" + ino;
        }
    }

    private Attrs rootAttributes() throws IOException {
        Attrs a;
        try {
            a = Attrs.read(root);
        } catch (NoSuchFileException e) {
            throw new IOException("folder " + root + " of source '" + name + "' does not exist");
        } catch (IOException e) {
            throw new IOException("folder " + root + " of source '" + name + "' cannot be read: " + dev.linkvault.IoErrors.readReason(e));
        }
        if ((a.mode() & S_IFMT) != S_IFDIR) {
            throw new IOException("path " + root + " of source '" + name + "' is not a folder");
        }
        return a;
    }

    @Override
    public void scan(Sink sink) throws IOException, InterruptedException {
        Attrs a = rootAttributes();
        String repository = null;
        if (keepOut != null) {
            try {
                repository = Attrs.read(keepOut).identity();
            } catch (IOException absent) {
                // no repository there yet (preflight before init): nothing to keep out
            }
        }
        Walk walk = new Walk(sink, a.dev(), repository);
        walk.tree.top(Entry.dir(List.of(name), a.mtime(), a.mode() & 07777));
        walk.dir(root, List.of(name));
        walk.tree.finish();
    }

    private static String fingerprint(Attrs a) {
        return fingerprint(a.size(), a.mtime(), a.ctime(), a.ino());
    }

    private static String fingerprint(long size, Instant m, Instant c, long ino) {
        return size + ":" + m.getEpochSecond() + "." + m.getNano() + ":" + c.getEpochSecond() + "."
                + c.getNano() + ":" + ino;
    }

    /** One traversal; holds the directories whose entry waits for a first kept child. */
    private final class Walk {
        private final Sink sink;
        private final TreeFilter tree;
        private final long rootDevice;
        private final String repository;

        Walk(Sink sink, long rootDevice, String repository) {
            this.sink = sink;
            this.tree = new TreeFilter(filter, sink);
            this.rootDevice = rootDevice;
            this.repository = repository;
        }

        void dir(Path dir, List<String> parts) throws InterruptedException {
            List<NativeDir.Child> listed = nativeListing ? NativeDir.list(dir) : null;
            if (listed != null) {
                listed.sort(Comparator.comparing(NativeDir.Child::name, TreeFilter.NAME_ORDER));
                for (NativeDir.Child c : listed) {
                    visit(dir.resolve(c.name()), c.name(), c.validName(), c.mode() == 0 ? null : Attrs.of(c), parts);
                }
                return;
            }
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path c : ds) {
                    children.add(c);
                }
            } catch (IOException e) {
                sink.error(parts, "cannot list folder: " + dev.linkvault.IoErrors.readReason(e));
                return;
            }
            children.sort(Comparator.comparing(p -> p.getFileName().toString(), TreeFilter.NAME_ORDER));
            for (Path child : children) {
                String childName = child.getFileName().toString();
                // Java shows bytes that are not UTF-8 as U+FFFD; such a name cannot be written back.
                boolean valid = childName.indexOf('\uFFFD') < 0 || Path.of(childName).equals(child.getFileName());
                visit(child, childName, valid, null, parts);
            }
        }

        /** {@code listed}: its attributes as the listing read them, or null to read them now. */
        private void visit(Path child, String childName, boolean validName, Attrs listed, List<String> parentParts)
                throws InterruptedException {
            List<String> parts = new ArrayList<>(parentParts.size() + 1);
            parts.addAll(parentParts);
            parts.add(childName);
            if (!validName) {
                sink.error(parts, "name is not valid UTF-8; rename it to back it up");
                return;
            }
            String rel = String.join("/", parts.subList(1, parts.size()));
            Attrs a = listed;
            if (a == null) {
                try {
                    a = Attrs.read(child, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    sink.error(parts, dev.linkvault.IoErrors.readReason(e));
                    return;
                }
            }
            int mode = a.mode();
            switch (mode & S_IFMT) {
                case S_IFDIR -> {
                    if (a.identity().equals(repository)) {
                        sink.note(parts, "skipped: this is the linkvault repository being written (it is never read into itself)");
                        return;
                    }
                    Entry entry = Entry.dir(parts, a.mtime(), mode & 07777);
                    if (oneFileSystem && a.dev() != rootDevice && !filter.prunes(rel)) {
                        tree.group(entry);
                        sink.note(parts, "not entered: another filesystem is mounted here (one-file-system: true)");
                        return;
                    }
                    if (tree.dir(entry)) {
                        dir(child, parts);
                    }
                }
                case S_IFREG -> tree.leaf(Entry.file(parts, a.size(), a.mtime(), mode & 07777, rel,
                        fingerprint(a), null, new DiskFile(child, FINGERPRINT)));
                case S_IFLNK -> {
                    if (filter.keeps(rel)) {
                        try {
                            Path link = Files.readSymbolicLink(child);
                            String target = link.toString();
                            // Java shows bytes that are not UTF-8 as U+FFFD: storing that would change the target.
                            if (target.indexOf('\uFFFD') >= 0 && !Path.of(target).equals(link)) {
                                sink.error(parts, "symlink target is not valid UTF-8; it cannot be stored as it is");
                            } else {
                                tree.leaf(Entry.symlink(parts, a.mtime(), mode & 07777, target));
                            }
                        } catch (IOException e) {
                            sink.error(parts, "cannot read symlink: " + dev.linkvault.IoErrors.readReason(e));
                        }
                    }
                }
                default -> {
                    if (filter.keeps(rel)) {
                        sink.note(parts, "skipped " + kindOf(mode) + " (only files, folders and symlinks are stored)");
                    }
                }
            }
        }
    }

    private static String kindOf(int mode) {
        return switch (mode & S_IFMT) {
            case 0140000 -> "socket";
            case 0010000 -> "named pipe";
            case 0020000 -> "character device";
            case 0060000 -> "block device";
            default -> "special file";
        };
    }

    private static final DiskFile.Fingerprinter FINGERPRINT = s -> fingerprint(s.size(), s.mtime(), s.ctime(), s.ino());
}
