package dev.linkvault.restore;

import dev.linkvault.UserError;
import dev.linkvault.repo.ContentHash;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.ManifestIndex;
import dev.linkvault.repo.Repository;
import dev.linkvault.RelPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies a file or folder out of a snapshot into a plain, independent tree: contents checked
 * against their SHA-1 on the way, each path's own mtime and mode applied from the manifest.
 * A file appears at its final name only once complete (written beside it, then renamed).
 */
public final class Restorer {
    /** Mtimes closer than this are taken as equal: FAT keeps them to 2 seconds. */
    private static final long MTIME_SLACK_MILLIS = 2000;

    private static final String TEMP_SUFFIX = ".linkvault-restore";
    private final Repository repo;
    private final Set<Path> inProgress = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** What a restore did; {@code skipped} files were there already (export), {@code renamed} paths got another name. */
    public record Result(long files, long dirs, long symlinks, long bytes, long errors, long skipped, long renamed) {}

    /** Where per-path problems go; each one counts as an error. */
    public interface Problems {
        void error(String path, String message);
    }

    /** Told of each file done, for a progress display. */
    public interface Progress {
        void total(long files, long bytes);

        void file(long bytes, boolean skipped);
    }

    /** What to do with a file already at the destination. */
    public enum Existing {
        /** leave it: skipped when it is the snapshot's (same size, mtime and SHA-1: an earlier run's), else an error (restore) */
        KEEP,
        /** replace it (restore --overwrite) */
        REPLACE,
        /** keep it when its size and mtime are the snapshot's, else replace it (export: resumable) */
        SKIP_SAME
    }

    /**
     * @param sanitize  give names a Windows/SMB/exFAT target takes (see {@link PortableNames})
     * @param renameMap where to write "original TAB exported" for each renamed path (with sanitize)
     * @param portable  the target may refuse modes (SMB, exFAT): try them, never fail on them
     * @param workers   files copied at once (a network share answers each file slowly; many at once hide it)
     * @param selection which paths are taken (--include, --exclude)
     */
    public record Options(Existing existing, boolean sanitize, Path renameMap, boolean portable, Progress progress,
                          int workers, Selection selection) {
        public Options(Existing existing, boolean sanitize, Path renameMap, boolean portable, Progress progress,
                       int workers) {
            this(existing, sanitize, renameMap, portable, progress, workers, Selection.all());
        }

        public static Options restore(boolean overwrite) {
            return restore(overwrite, Selection.all());
        }

        public static Options restore(boolean overwrite, Selection selection) {
            return new Options(overwrite ? Existing.REPLACE : Existing.KEEP, false, null, false, null, 1, selection);
        }

        /** These options, told of progress. */
        public Options with(Progress p) {
            return new Options(existing, sanitize, renameMap, portable, p, workers, selection);
        }
    }

    /** What a restore counts as it goes, from several copying threads. */
    private static final class Tally {
        final AtomicLong files = new AtomicLong();
        final AtomicLong dirs = new AtomicLong();
        final AtomicLong symlinks = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong renamed = new AtomicLong();
    }

    public Restorer(Repository repo) {
        this.repo = repo;
    }

    public Result restore(SnapshotRef ref, Path to, boolean overwrite, Problems problems) throws IOException {
        return restore(ref, to, Options.restore(overwrite), problems);
    }

    public Result restore(SnapshotRef ref, Path to, Options options, Problems problems) throws IOException {
        ref = new SnapshotRef(repo.completeSnapshot(ref.snapshot()).name(), ref.path()); // latest, latest~N
        Path tree = repo.tree(ref.snapshot());
        RelPath base = ref.path();
        int strip = base.isRoot() ? 0 : base.depth() - 1;
        if (Files.exists(to) && !Files.isDirectory(to)) {
            throw new UserError("--to " + to + " is a file; give a folder to restore into");
        }
        Files.createDirectories(to);
        Path realTo = to.toRealPath();
        if (options.progress() != null) {
            long[] t = new long[2];
            repo.readManifest(ref.snapshot(), base, ManifestIndex.Scope.SUBTREE, item -> {
                RelPath ip = RelPath.parse(item.path());
                if (item.type() == Manifest.Type.FILE && base.contains(ip) && options.selection().takes(ip)) {
                    t[0]++;
                    t[1] += item.size();
                }
            });
            options.progress().total(t[0], t[1]);
        }
        Tally n = new Tally();
        Folders folders = new Folders(realTo);
        Copier copier = new Copier(Math.max(1, options.workers()));
        Path mapTmp = options.sanitize() ? renameMapTmp(options) : null;
        // The names' work file goes where a kill -9 leaves nothing for good: .data/tmp, which every
        // writer empties; on read-only media, the system's temporary folder.
        Path scratch = Files.isDirectory(repo.tmpDir()) && Files.isWritable(repo.tmpDir()) ? repo.tmpDir() : null;
        try (ExportNames names = options.sanitize() ? new ExportNames(scratch) : null;
             java.io.Writer renames = mapTmp == null ? null : Files.newBufferedWriter(mapTmp)) {
            repo.readManifest(ref.snapshot(), base, ManifestIndex.Scope.SUBTREE, item -> {
                RelPath p = RelPath.parse(item.path());
                if (!base.contains(p) || !options.selection().takes(p)) {
                    return;
                }
                RelPath rel = RelPath.of(p.parts().subList(strip, p.depth()));
                try {
                    if (names != null) {
                        RelPath given = names.give(rel, item.type() == Manifest.Type.DIR);
                        if (!given.name().equals(rel.name())) {
                            // Only a name of its own that changed; below a renamed folder the path follows it.
                            n.renamed.incrementAndGet();
                            Manifest.escape(rel.toString(), renames);
                            renames.write('\t');
                            Manifest.escape(given.toString(), renames);
                            renames.write('\n');
                        }
                        rel = given;
                    }
                    Path target = rel.under(realTo);
                    switch (item.type()) {
                        case DIR -> {
                            folders.make(target);
                            n.dirs.incrementAndGet();
                        }
                        case FILE -> copier.run(() -> {
                            try {
                                folders.make(target.getParent());
                                boolean copied = copy(p.under(tree), target, item, options);
                                (copied ? n.files : n.skipped).incrementAndGet();
                                n.bytes.addAndGet(copied ? item.size() : 0);
                                if (options.progress() != null) {
                                    options.progress().file(item.size(), !copied);
                                }
                            } catch (IOException e) {
                                n.errors.incrementAndGet();
                                problems.error(p.toString(), failure(e, target));
                            }
                        }, item.size());
                        case SYMLINK -> {
                            folders.make(target.getParent());
                            folders.replaced(target);
                            symlink(target, item, options.existing() != Existing.KEEP);
                            n.symlinks.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    n.errors.incrementAndGet();
                    problems.error(p.toString(), failure(e, rel.under(realTo)));
                }
            });
            copier.finish();
            if (n.files.get() + n.dirs.get() + n.symlinks.get() + n.errors.get() + n.skipped.get() == 0
                    && !options.selection().takesAll()) {
                throw new UserError("nothing in " + ref + " matches the --include/--exclude patterns given; see what"
                        + " is there with: linkvault ls -r " + ref);
            }
            if (n.files.get() + n.dirs.get() + n.symlinks.get() + n.errors.get() + n.skipped.get() == 0) {
                throw new UserError("snapshot " + ref.snapshot() + " has no path '" + base + "'; list it with:"
                        + " linkvault ls " + ref.snapshot());
            }
            // Folders last: writing into a folder changes its mtime, and a read-only mode would stop the writes.
            repo.readManifest(ref.snapshot(), base, ManifestIndex.Scope.SUBTREE, item -> {
                RelPath p = RelPath.parse(item.path());
                if (item.type() == Manifest.Type.DIR && base.contains(p)) {
                    RelPath rel = RelPath.of(p.parts().subList(strip, p.depth()));
                    if (names != null) {
                        try {
                            rel = RelPath.parse(names.given(rel));
                        } catch (java.sql.SQLException e) {
                            throw new IOException(e.getMessage(), e);
                        }
                    }
                    Path target = rel.under(realTo);
                    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                        setMode(target, item.mode(), options.portable());
                        Files.setLastModifiedTime(target, FileTime.from(item.mtime()));
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            copier.abandon();
            if (mapTmp != null) {
                Files.deleteIfExists(mapTmp);
            }
            throw e;
        }
        if (mapTmp != null) {
            if (n.renamed.get() > 0) {
                Files.move(mapTmp, options.renameMap(), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(mapTmp);
            }
        }
        return new Result(n.files.get(), n.dirs.get(), n.symlinks.get(), n.bytes.get(), n.errors.get(), n.skipped.get(), n.renamed.get());
    }

    /**
     * What went wrong writing {@code target}, in words: the real path (not a temporary name), the
     * reason and, where there is one, the fix.
     */
    static String failure(IOException e, Path target) {
        if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
            String file = f.getFile();
            String shown = dev.linkvault.TempNames.isTemp(Path.of(file).getFileName().toString(), TEMP_SUFFIX)
                    ? target.toString() : file;
            boolean writing = target.getParent() == null || shown.startsWith(target.getParent().toString());
            return (writing ? "cannot write " : "cannot read ") + shown + ": " + dev.linkvault.IoErrors.reasonAndFix(e);
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Runs file copies: in the caller's thread with one worker, else on a pool with a bounded
     * number waiting, so that reading the manifest never runs far ahead of the copies. Small files
     * go to the pool in batches (up to {@link #BATCH_FILES} files or {@link #BATCH_BYTES} bytes): one
     * hand-over per file cost more than copying a small file.
     */
    private static final class Copier {
        static final int BATCH_FILES = 64;
        static final long BATCH_BYTES = 4L << 20;
        private final ExecutorService pool;
        private final Semaphore slots;
        private java.util.List<Runnable> batch = new java.util.ArrayList<>();
        private long batchBytes;

        Copier(int workers) {
            pool = workers == 1 ? null : Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "linkvault-copy");
                t.setDaemon(true);
                return t;
            });
            slots = new Semaphore(workers * 4);
        }

        /** A copy of {@code bytes} bytes, run now or later: by {@link #finish} at the latest. */
        void run(Runnable copy, long bytes) throws IOException {
            if (pool == null) {
                copy.run();
                return;
            }
            batch.add(copy);
            batchBytes += bytes;
            if (batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) {
                handOver();
            }
        }

        private void handOver() throws IOException {
            if (batch.isEmpty()) {
                return;
            }
            java.util.List<Runnable> copies = batch;
            batch = new java.util.ArrayList<>();
            batchBytes = 0;
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
            pool.execute(() -> {
                try {
                    for (Runnable copy : copies) {
                        copy.run();
                    }
                } finally {
                    slots.release();
                }
            });
        }

        /** Waits for every copy handed over. */
        void finish() throws IOException {
            if (pool == null) {
                return;
            }
            handOver();
            pool.shutdown();
            try {
                pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }

        void abandon() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    private static Path renameMapTmp(Options options) throws IOException {
        Path map = options.renameMap();
        Files.createDirectories(map.toAbsolutePath().getParent());
        return map.resolveSibling("." + map.getFileName() + ".tmp");
    }

    private static void setMode(Path p, int mode, boolean portable) throws IOException {
        try {
            Files.setPosixFilePermissions(p, permissions(mode));
        } catch (IOException | UnsupportedOperationException e) {
            if (!portable) {
                throw e;
            }
        }
    }

    /**
     * The folders made or found below the target, each checked once to lead nowhere outside it
     * through a symlink: the check resolves the whole path (a {@code readlink} per component), and
     * asking it for every file cost an export of 100,000 files a quarter of its system time.
     */
    private static final class Folders {
        private final Path realTo;
        private final Set<Path> checked = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Folders(Path realTo) {
            this.realTo = realTo;
        }

        void make(Path dir) throws IOException {
            if (checked.contains(dir)) {
                return;
            }
            Files.createDirectories(dir);
            if (!dir.toRealPath().startsWith(realTo)) {
                throw new IOException("folder " + dir + " leads outside " + realTo + " through a symlink; not written");
            }
            checked.add(dir);
        }

        /** A symlink is made at {@code p}: whatever was checked there is no longer what is there. */
        void replaced(Path p) {
            checked.remove(p);
        }
    }

    /** Copies one file; false when it was there already and is left as it is. */
    private boolean copy(Path from, Path target, Manifest.Item item, Options options) throws IOException {
        if (options.existing() != Existing.REPLACE) {
            BasicFileAttributes there = null;
            try {
                there = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException absent) {
                // to be written
            }
            if (there != null) {
                boolean same = there.isRegularFile() && there.size() == item.size() && Math.abs(
                        there.lastModifiedTime().toMillis() - item.mtime().toEpochMilli()) < MTIME_SLACK_MILLIS;
                if (options.existing() == Existing.KEEP) {
                    // A re-run of an interrupted restore: what is there already and is the
                    // snapshot's content is left; anything else is the user's and stays too.
                    if (same && ContentHash.of(target).matches(dev.linkvault.repo.BlobId.parse(item.blob()))) {
                        return false;
                    }
                    throw new IOException(target + " exists and differs from the snapshot; give --overwrite to replace it");
                }
                if (same) {
                    return false;
                }
            }
        }
        Path tmp = dev.linkvault.TempNames.beside(target, TEMP_SUFFIX);
        inProgress.add(tmp);
        if (stopping) {
            inProgress.remove(tmp);
            throw new java.io.InterruptedIOException("interrupted");
        }
        MessageDigest sha1 = dev.linkvault.Digests.of("SHA-1");
        boolean moved = false;
        try {
            try (InputStream in = Files.newInputStream(from);
                 OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                         StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                byte[] buf = dev.linkvault.Buffers.io();
                int r;
                while ((r = in.read(buf)) > 0) {
                    if (stopping) {
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                    sha1.update(buf, 0, r);
                    out.write(buf, 0, r);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("missing from the snapshot tree; run verify");
                }
                throw new IOException("cannot write " + e.getFile() + " (the folder is gone?)", e);
            }
            String got = HexFormat.of().formatHex(sha1.digest());
            if (!item.blob().startsWith(got)) {
                throw new IOException("damaged in the snapshot (SHA-1 " + got + ", manifest says " + item.blob()
                        + "); not restored, run verify");
            }
            setMode(tmp, item.mode(), options.portable());
            Files.setLastModifiedTime(tmp, FileTime.from(item.mtime()));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            return true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
            inProgress.remove(tmp);
        }
    }

    /**
     * Removes the temporary files of copies under way, for an exit in the middle (a signal): the
     * target holds only complete files then, and running the same restore again finishes it.
     */
    public void removeTemporaryFiles() {
        stopping = true;
        long deadline = System.currentTimeMillis() + 5000;
        while (!inProgress.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10); // copies under way see the flag and remove their own
            } catch (InterruptedException e) {
                break;
            }
        }
        for (Path tmp : inProgress) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next run writes over it
            }
        }
    }

    private static void symlink(Path target, Manifest.Item item, boolean overwrite) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).toString().equals(item.target())) {
                return; // an earlier run's
            }
            if (!overwrite) {
                throw new FileAlreadyExistsException(target + " exists; give --overwrite to replace it");
            }
            Files.delete(target);
        }
        Files.createSymbolicLink(target, Path.of(item.target()));
        Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(item.mtime()), null, null);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
