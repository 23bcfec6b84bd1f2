package dev.linkvault.source.local;

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

    /** The device and inode of a folder, to know it again under any name. */
    private static String identity(Map<String, Object> a) {
        return a.get("dev") + ":" + a.get("ino");
    }

    private Map<String, Object> rootAttributes() throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(root, ATTRS);
        } catch (NoSuchFileException e) {
            throw new IOException("folder " + root + " of source '" + name + "' does not exist");
        } catch (IOException e) {
            throw new IOException("folder " + root + " of source '" + name + "' cannot be read: " + dev.linkvault.IoErrors.readReason(e));
        }
        if ((mode(a) & S_IFMT) != S_IFDIR) {
            throw new IOException("path " + root + " of source '" + name + "' is not a folder");
        }
        return a;
    }

    @Override
    public void scan(Sink sink) throws IOException, InterruptedException {
        Map<String, Object> a = rootAttributes();
        String repository = null;
        if (keepOut != null) {
            try {
                repository = identity(Files.readAttributes(keepOut, ATTRS));
            } catch (IOException absent) {
                // no repository there yet (preflight before init): nothing to keep out
            }
        }
        Walk walk = new Walk(sink, a.get("dev"), repository);
        walk.tree.top(Entry.dir(List.of(name), mtime(a), mode(a) & 07777));
        walk.dir(root, List.of(name));
        walk.tree.finish();
    }

    private static int mode(Map<String, Object> a) {
        return (Integer) a.get("mode");
    }

    private static Instant mtime(Map<String, Object> a) {
        return ((FileTime) a.get("lastModifiedTime")).toInstant();
    }

    static String fingerprint(Map<String, Object> a) {
        Instant m = mtime(a);
        Instant c = ((FileTime) a.get("ctime")).toInstant();
        return a.get("size") + ":" + m.getEpochSecond() + "." + m.getNano() + ":" + c.getEpochSecond() + "."
                + c.getNano() + ":" + a.get("ino");
    }

    /** One traversal; holds the directories whose entry waits for a first kept child. */
    private final class Walk {
        private final Sink sink;
        private final TreeFilter tree;
        private final Object rootDevice;
        private final String repository;

        Walk(Sink sink, Object rootDevice, String repository) {
            this.sink = sink;
            this.tree = new TreeFilter(filter, sink);
            this.rootDevice = rootDevice;
            this.repository = repository;
        }

        void dir(Path dir, List<String> parts) throws InterruptedException {
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
                visit(child, parts);
            }
        }

        private void visit(Path child, List<String> parentParts) throws InterruptedException {
            String childName = child.getFileName().toString();
            List<String> parts = new ArrayList<>(parentParts.size() + 1);
            parts.addAll(parentParts);
            parts.add(childName);
            // Java shows bytes that are not UTF-8 as U+FFFD; such a name cannot be written back.
            if (childName.indexOf('\uFFFD') >= 0 && !Path.of(childName).equals(child.getFileName())) {
                sink.error(parts, "name is not valid UTF-8; rename it to back it up");
                return;
            }
            String rel = String.join("/", parts.subList(1, parts.size()));
            Map<String, Object> a;
            try {
                a = Files.readAttributes(child, ATTRS, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                sink.error(parts, dev.linkvault.IoErrors.readReason(e));
                return;
            }
            int mode = mode(a);
            switch (mode & S_IFMT) {
                case S_IFDIR -> {
                    if (identity(a).equals(repository)) {
                        sink.note(parts, "skipped: this is the linkvault repository being written (it is never read into itself)");
                        return;
                    }
                    Entry entry = Entry.dir(parts, mtime(a), mode & 07777);
                    if (oneFileSystem && !a.get("dev").equals(rootDevice) && !filter.prunes(rel)) {
                        tree.group(entry);
                        sink.note(parts, "not entered: another filesystem is mounted here (one-file-system: true)");
                        return;
                    }
                    if (tree.dir(entry)) {
                        dir(child, parts);
                    }
                }
                case S_IFREG -> tree.leaf(Entry.file(parts, (Long) a.get("size"), mtime(a), mode & 07777, rel,
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
                                tree.leaf(Entry.symlink(parts, mtime(a), mode & 07777, target));
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

    private static final DiskFile.Fingerprinter FINGERPRINT =
            p -> fingerprint(Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS));
}
