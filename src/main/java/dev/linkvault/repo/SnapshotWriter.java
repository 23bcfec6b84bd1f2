package dev.linkvault.repo;

import dev.linkvault.RelPath;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Builds one snapshot tree: folders, hard links to blobs, empty files, symlinks. Every path is
 * a validated {@link RelPath}, so nothing lands outside the tree; once the tree holds a symlink,
 * each folder written into is also checked to resolve inside the tree. Thread-safe.
 */
public final class SnapshotWriter implements AutoCloseable {
    private final Path root;
    private final Path realRoot;
    private final BlobStore blobs;
    private volatile boolean holdsSymlinks;
    // Placing a path (check, then write) and creating a symlink exclude each other, so no check
    // can pass just before a symlink appears on the way it then writes through.
    private final ReentrantReadWriteLock symlinkGate = new ReentrantReadWriteLock();

    /** A path the source gave twice, or a file where a folder must go (or the reverse). */
    public static final class PathTakenException extends IOException {
        private static final long serialVersionUID = 1L;

        PathTakenException(String message) {
            super(message);
        }
    }

    // Folder mtimes wait in a file (not in memory) until everything is written: each write into
    // a folder would change its mtime again.
    private final Path dirTimesFile;
    private final BufferedWriter dirTimes;

    SnapshotWriter(Path root, BlobStore blobs, Path dirTimesFile) throws IOException {
        this.root = root;
        this.realRoot = root.toRealPath();
        this.blobs = blobs;
        this.dirTimesFile = dirTimesFile;
        this.dirTimes = Files.newBufferedWriter(dirTimesFile, StandardCharsets.UTF_8);
    }

    public Path root() {
        return root;
    }

    /** Creates a folder; its mtime is applied by {@link #finish}. */
    public void dir(RelPath p, Instant mtime) throws IOException {
        synchronized (dirTimes) {
            dirTimes.write(mtime.getEpochSecond() + "\t" + mtime.getNano() + "\t");
            Manifest.escape(p.toString(), dirTimes);
            dirTimes.write('\n');
        }
        Path d = p.under(root);
        Lock l = symlinkGate.readLock();
        l.lock();
        try {
            if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            makeParents(d);
            Files.createDirectory(d);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                throw new PathTakenException("a file of that name is already there");
            }
        } finally {
            l.unlock();
        }
    }

    /** Links the blob at {@code p}, or creates an empty file there for {@link BlobId#EMPTY}. */
    public void file(RelPath p, BlobId blob, Instant mtime) throws IOException {
        file(p, blob, -1, mtime);
    }

    /**
     * As {@link #file(RelPath, BlobId, Instant)}; when {@code intactSize >= 0}, only if the blob is
     * stored {@link BlobStore#intact} with that size, which the helper checks in the call that
     * links it. The link is made relative to the folder's open descriptor where the helper can
     * (one per thread, kept while its files come), not by the whole path.
     *
     * @return false when the blob is not intact: nothing was written
     */
    public boolean file(RelPath p, BlobId blob, long intactSize, Instant mtime) throws IOException {
        Lock l = symlinkGate.readLock();
        l.lock();
        try {
            if (holdsSymlinks) {
                guardParent(p.under(root));
            }
            try {
                return place(p, blob, intactSize, mtime, holdsSymlinks ? -1 : folder(p.parent()));
            } catch (NoSuchFileException e) {
                // The folder's own entry may still be on its way through another worker.
                makeParents(p.under(root));
                return place(p, blob, intactSize, mtime, -1);
            }
        } catch (FileAlreadyExistsException e) {
            throw new PathTakenException("the same path was already written in this snapshot");
        } finally {
            l.unlock();
        }
    }

    private boolean place(RelPath p, BlobId blob, long intactSize, Instant mtime, int dir) throws IOException {
        if (!blob.isEmpty()) {
            return blobs.link(blob, intactSize, dir, p.name(), () -> p.under(root));
        }
        if (intactSize >= 0 && !blobs.intact(blob, intactSize)) {
            return false;
        }
        Path f = p.under(root);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--r--r--")));
        Files.setLastModifiedTime(f, FileTime.from(mtime));
        return true;
    }

    /** A folder of the tree open on one thread, for the links into it; see {@link #folder}. */
    private record OpenFolder(RelPath path, int fd) {}

    private final ThreadLocal<OpenFolder> openFolder = new ThreadLocal<>();
    /** Every descriptor {@link #openFolder} holds, closed by {@link #close}. */
    private final java.util.Set<Integer> openFds = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The tree folder {@code dir} open on this thread (never through a symlink at its end: the tree
     * holds none while this is used), or -1 (no helper, not made yet). A thread keeps one folder
     * open: a worker's files come a folder at a time.
     */
    private int folder(RelPath dir) {
        if (!dev.linkvault.Native.loaded()) {
            return -1;
        }
        OpenFolder o = openFolder.get();
        if (o != null) {
            if (o.path().equals(dir)) {
                return o.fd();
            }
            openFolder.remove();
            openFds.remove(o.fd()); // before the close: once closed, its number may be another thread's
            dev.linkvault.NativeDir.closeFd(o.fd());
        }
        int fd = dev.linkvault.NativeDir.openAt(dev.linkvault.NativeDir.AT_FDCWD, dir.under(root).toString());
        if (fd >= 0) {
            openFds.add(fd);
            openFolder.set(new OpenFolder(dir, fd));
        }
        return fd;
    }

    /** Closes the folders threads hold open; after {@link #finish} or {@link #abandon}, or when a run fails. */
    public void close() {
        for (Integer fd : openFds) {
            if (openFds.remove(fd)) {
                dev.linkvault.NativeDir.closeFd(fd);
            }
        }
    }

    public void symlink(RelPath p, String target, Instant mtime) throws IOException {
        Path l = p.under(root);
        Lock gate = symlinkGate.writeLock();
        gate.lock();
        try {
            guardParent(l);
            holdsSymlinks = true;
            try {
                Files.createSymbolicLink(l, Path.of(target));
            } catch (NoSuchFileException e) {
                makeParents(l);
                Files.createSymbolicLink(l, Path.of(target));
            }
            setTimes(l, mtime);
        } catch (FileAlreadyExistsException e) {
            throw new PathTakenException("the same path was already written in this snapshot");
        } finally {
            gate.unlock();
        }
    }

    /**
     * Called once everything is written: gives every folder its source mtime, then makes the
     * tree durable before the manifest may say it is complete: one sync of the repository's
     * filesystem ({@link BlobStore#syncFilesystem}: with a thousand folders, 0.2 s of an unchanged
     * re-run went to their fsyncs), or, where that cannot be run, each folder's own fsync.
     */
    public void finish() throws IOException {
        dirTimes.close();
        // Neither a folder's mtime nor its sync changes another folder, so their order is free:
        // several at once keep the disk busy (a thousand folder syncs one after another took 1.8 s
        // of a 19 s re-run).
        java.util.List<DirTime> folders = new java.util.ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(dirTimesFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t", 3);
                folders.add(new DirTime(RelPath.parse(Manifest.unescape(f[2])).under(root),
                        Instant.ofEpochSecond(Long.parseLong(f[0]), Long.parseLong(f[1]))));
            }
        }
        dev.linkvault.Parallel.forEach(folders, 4, "linkvault-dirsync", "setting the snapshot's folder times", d -> {
            if (Files.isDirectory(d.dir(), LinkOption.NOFOLLOW_LINKS)) {
                setTimes(d.dir(), d.mtime());
            }
        });
        if (!blobs.syncFilesystem()) {
            dev.linkvault.Parallel.forEach(folders, 4, "linkvault-dirsync", "syncing the snapshot's folders", d -> {
                if (Files.isDirectory(d.dir(), LinkOption.NOFOLLOW_LINKS)) {
                    try (FileChannel ch = FileChannel.open(d.dir(), StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
            });
        }
        Files.delete(dirTimesFile);
    }

    /** A folder of the tree and the mtime it is given once everything is written. */
    private record DirTime(Path dir, Instant mtime) {}

    /** Stops without finishing (an interrupted run): the partial tree stays for the next run. */
    public void abandon() throws IOException {
        dirTimes.close();
        Files.deleteIfExists(dirTimesFile);
    }

    private static void setTimes(Path p, Instant mtime) throws IOException {
        FileTime t = FileTime.from(mtime);
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    private void makeParents(Path p) throws IOException {
        Path parent = p.getParent();
        if (holdsSymlinks) {
            Path existing = parent;
            while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            checkInside(existing);
        }
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw new PathTakenException("a file is where a folder must go: " + root.relativize(parent));
        }
    }

    private void guardParent(Path p) throws IOException {
        if (holdsSymlinks && Files.exists(p.getParent(), LinkOption.NOFOLLOW_LINKS)) {
            checkInside(p.getParent());
        }
    }

    private void checkInside(Path existing) throws IOException {
        if (!existing.toRealPath().startsWith(realRoot)) {
            throw new PathTakenException("a symlink in the snapshot leads outside it: " + root.relativize(existing));
        }
    }
}
