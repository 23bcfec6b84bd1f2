package dev.linkvault.source.local;

import dev.linkvault.source.DiskFile;
import dev.linkvault.source.Entry;
import dev.linkvault.source.FilteredTree;
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
    private static final String ATTRS = "unix:mode,ino,ctime,size,lastModifiedTime";
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private final String name;
    private final Path root;
    private final PathFilter filter;

    public LocalSource(String name, Path root, PathFilter filter) {
        this.name = name;
        this.root = root;
        this.filter = filter;
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
    }

    private Map<String, Object> rootAttributes() throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(root, ATTRS);
        } catch (NoSuchFileException e) {
            throw new IOException("folder " + root + " of source '" + name + "' does not exist");
        } catch (IOException e) {
            throw new IOException("folder " + root + " of source '" + name + "' cannot be read: " + describe(e));
        }
        if ((mode(a) & S_IFMT) != S_IFDIR) {
            throw new IOException("path " + root + " of source '" + name + "' is not a folder");
        }
        return a;
    }

    @Override
    public void scan(Sink sink) throws IOException, InterruptedException {
        Map<String, Object> a = rootAttributes();
        sink.entry(Entry.dir(List.of(name), mtime(a), mode(a) & 07777));
        new Walk(sink).dir(root, List.of(name));
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
        private final FilteredTree tree;

        Walk(Sink sink) {
            this.sink = sink;
            this.tree = new FilteredTree(sink);
        }

        void dir(Path dir, List<String> parts) throws InterruptedException {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path c : ds) {
                    children.add(c);
                }
            } catch (IOException e) {
                sink.error(parts, "cannot list folder: " + describe(e));
                return;
            }
            children.sort(Comparator.comparing(p -> p.getFileName().toString()));
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
                sink.error(parts, describe(e));
                return;
            }
            int mode = mode(a);
            switch (mode & S_IFMT) {
                case S_IFDIR -> {
                    if (filter.prunes(rel)) {
                        return;
                    }
                    Entry entry = Entry.dir(parts, mtime(a), mode & 07777);
                    tree.enter(entry);
                    dir(child, parts);
                    tree.leave(entry, filter.keepsEmptyDir(rel));
                }
                case S_IFREG -> {
                    if (filter.keeps(rel)) {
                        emit(Entry.file(parts, (Long) a.get("size"), mtime(a), mode & 07777, rel,
                                fingerprint(a), null, new DiskFile(child, FINGERPRINT)));
                    }
                }
                case S_IFLNK -> {
                    if (filter.keeps(rel)) {
                        try {
                            String target = Files.readSymbolicLink(child).toString();
                            emit(Entry.symlink(parts, mtime(a), mode & 07777, target));
                        } catch (IOException e) {
                            sink.error(parts, "cannot read symlink: " + describe(e));
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

        private void emit(Entry e) throws InterruptedException {
            tree.emit(e);
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

    /** One short line for what went wrong with a path: "permission denied", the OS's reason, or the message. */
    public static String describe(Exception x) {
        if (x instanceof java.nio.file.NoSuchFileException) {
            return "vanished while being read";
        }
        return dev.linkvault.IoErrors.reason(x);
    }

    private static final DiskFile.Fingerprinter FINGERPRINT =
            p -> fingerprint(Files.readAttributes(p, ATTRS, LinkOption.NOFOLLOW_LINKS));
}
