package dev.linkvault.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The content-addressed store under {@code .data/sha1}. A blob is written to {@code .data/tmp}
 * while SHA-1 and SHA-256 are computed, made read-only, then published under its name with
 * {@code renameat2(RENAME_NOREPLACE)} (through the helper) or {@code link(2)}, neither of which
 * replaces an existing file: a stored blob is never rewritten.
 */
public final class BlobStore {
    private static final int BUFFER = 256 * 1024;
    private static final String READ_ONLY = "r--r--r--";

    private final Path sha1Dir;
    private final Path etagDir;
    private final Path tmpDir;
    private final Path quarantineDir;
    /** Whether .data/etag held an alias when first asked; null until then. */
    private Boolean hadAliases;
    private final Supplier<Catalog> catalog;
    private final boolean durable;
    /** Folders that got a new name since the last {@link #syncNames}. */
    private final java.util.Set<Path> dirty = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** What {@link #put} did. */
    public enum Outcome {
        /** The content was new and is now stored. */
        INSERTED,
        /** The same content was stored already; nothing was added. */
        EXISTED,
        /** Another content with the same SHA-1 was stored already; this one was stored beside it. */
        COLLISION_INSERTED,
        /** Zero bytes: nothing is stored, the snapshot gets an empty file of its own. */
        EMPTY
    }

    /** The result of storing one content. */
    public record Put(BlobId id, long size, String sha256, Outcome outcome) {
        public boolean added() {
            return outcome == Outcome.INSERTED || outcome == Outcome.COLLISION_INSERTED;
        }
    }

    /** A write to the repository failed (disk full, read-only filesystem): fatal for the run. */
    public static final class RepositoryWriteException extends IOException {
        private static final long serialVersionUID = 1L;

        RepositoryWriteException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** The blob a caller asked for is not in the store (removed by hand or by gc). */
    public static final class BlobMissingException extends IOException {
        private static final long serialVersionUID = 1L;

        BlobMissingException(BlobId id) {
            super("blob " + id + " is missing from the store");
        }
    }

    /** Open fan-out folders by their number (00-ff), -1 where none is open: see {@link #fanout}. */
    private final int[] fanouts = new int[256];

    BlobStore(Path sha1Dir, Path etagDir, Path tmpDir, Path quarantineDir, Supplier<Catalog> catalog, boolean durable) {
        java.util.Arrays.fill(fanouts, -1);
        this.quarantineDir = quarantineDir;
        this.sha1Dir = sha1Dir;
        this.etagDir = etagDir;
        this.tmpDir = tmpDir;
        this.catalog = catalog;
        this.durable = durable;
    }

    public Path path(BlobId id) {
        return id.under(sha1Dir);
    }

    /**
     * Where the alias of an S3 ETag lives: {@code .data/etag/<first 2>/<rest>}, quotes dropped,
     * lower case (the layout of nextcloud-s3-backup); null for a value that is no plain ETag.
     */
    public Path aliasPath(String etag) {
        String e = etag.replace("\"", "").toLowerCase(java.util.Locale.ROOT);
        if (!e.matches("[0-9a-f]{8,64}(-[0-9]{1,5})?")) {
            return null;
        }
        return etagDir.resolve(e.substring(0, 2)).resolve(e.substring(2));
    }

    /**
     * The stored blob an ETag alias is a link to, if there is one of {@code size} bytes. The
     * catalog says which; without it (a repository adopted from nextcloud-s3-backup) the alias is
     * hashed once, on local disk, and the answer kept.
     */
    public java.util.Optional<BlobId> byAlias(String etag, long size) throws IOException {
        Path alias = aliasPath(etag);
        if (alias == null || !Files.exists(alias, LinkOption.NOFOLLOW_LINKS) || Files.size(alias) != size) {
            return java.util.Optional.empty();
        }
        Object ino = Files.getAttribute(alias, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        java.util.Optional<BlobId> known = catalog.get().etag(etag);
        if (known.isPresent() && sameInode(path(known.get()), ino)) {
            return known;
        }
        ContentHash h = ContentHash.of(alias);
        for (BlobId id : new BlobId[] {new BlobId(h.sha1(), null), new BlobId(h.sha1(), h.sha256())}) {
            if (sameInode(path(id), ino)) {
                catalog.get().recordEtag(etag, id);
                return java.util.Optional.of(id);
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean sameInode(Path p, Object ino) throws IOException {
        try {
            return ino.equals(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Makes {@code .data/etag/...} for this ETag a link to the blob (if it is not there yet). */
    public void addAlias(String etag, BlobId id) throws IOException {
        Path alias = aliasPath(etag);
        if (alias == null || id.isEmpty()) {
            return;
        }
        try {
            linkCreatingParent(alias, path(id));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return; // an alias of an earlier version of the same name, or the same: left as it is
        } catch (FileSystemException e) {
            if (!isLinkLimit(path(id), e)) {
                throw e;
            }
            return; // an alias is a shortcut; a blob out of links simply goes without one
        }
        catalog.get().recordEtag(etag, id);
    }

    /** Where copy {@code n} of a blob lives ({@code <name>.<n>}); copy 0 is the blob itself. */
    public Path copyPath(BlobId id, int n) {
        Path primary = path(id);
        return n == 0 ? primary : primary.resolveSibling(primary.getFileName() + "." + n);
    }

    /**
     * The stored blob named by {@code sha1} if there is exactly one (no collision variant) and it
     * has {@code size} bytes.
     */
    public java.util.Optional<BlobId> bySha1(String sha1, long size) throws IOException {
        if (sha1 == null || !sha1.matches("[0-9a-f]{40}")) {
            return java.util.Optional.empty();
        }
        BlobId id = new BlobId(sha1, null);
        try {
            if (Files.size(path(id)) != size || catalog.get().hasVariants(sha1)) {
                return java.util.Optional.empty();
            }
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(id);
    }

    /**
     * Whether {@code .data/etag} held any alias when first asked (once per opening): when it did
     * not, looking up ETags (a listing of the bucket) cannot find anything stored before this run.
     */
    public synchronized boolean hadAliases() throws IOException {
        if (hadAliases == null) {
            hadAliases = false;
            if (Files.isDirectory(etagDir)) {
                try (java.nio.file.DirectoryStream<Path> shards = Files.newDirectoryStream(etagDir)) {
                    for (Path shard : shards) {
                        try (var inside = Files.list(shard)) {
                            if (inside.findAny().isPresent()) {
                                hadAliases = true;
                                break;
                            }
                        } catch (java.nio.file.NotDirectoryException stray) {
                            // not a shard folder
                        }
                    }
                }
            }
        }
        return hadAliases;
    }

    public boolean exists(BlobId id) {
        return Files.exists(path(id), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether blob {@code id} is stored as a regular file of {@code size} bytes: one {@code lstat},
     * what a catalog hit must pass before its blob is linked (a symlink, a folder or a file of
     * another size at a blob's name is never linked into a snapshot).
     */
    public boolean intact(BlobId id, long size) {
        int fd = fanout(id);
        if (fd >= 0) {
            long there = dev.linkvault.NativeDir.regularSize(fd, id.name());
            if (there != -2) {
                return there == size;
            }
            // not told (the fan-out folder replaced since it was opened?): asked by path below
        }
        BasicFileAttributes a = attributes(id);
        return a != null && a.isRegularFile() && a.size() == size;
    }

    /**
     * The open fan-out folder of {@code id} ({@code .data/sha1/<h2>}), for links and stats relative
     * to it through the native helper; -1 without the helper or while the folder does not exist. Opened
     * once per run, closed by {@link #close}.
     */
    private int fanout(BlobId id) {
        if (!dev.linkvault.Native.loaded()) {
            return -1;
        }
        int i = Integer.parseInt(id.sha1(), 0, 2, 16);
        int fd = fanouts[i];
        if (fd >= 0) {
            return fd;
        }
        synchronized (fanouts) {
            if (fanouts[i] < 0) {
                fanouts[i] = dev.linkvault.NativeDir.open(path(id).getParent());
            }
            return fanouts[i];
        }
    }

    /** {@code .data/tmp} open through the native helper, for syncfs; -1 without the helper. */
    private int tmpFolder() {
        synchronized (fanouts) {
            if (tmpFd == -1 && dev.linkvault.Native.loaded()) {
                tmpFd = dev.linkvault.NativeDir.open(tmpDir);
            }
            return tmpFd;
        }
    }

    private int tmpFd = -1;

    /** Closes the fan-out folders opened for this run and removes its empty lanes in {@code .data/tmp}. */
    public void close() {
        closes.incrementAndGet();
        for (Lane lane : lanes) {
            dev.linkvault.NativeDir.closeFd(lane.fd());
            try {
                Files.deleteIfExists(lane.path());
            } catch (IOException e) {
                // not empty (a staged blob a failed run did not publish): the next writer clears it
            }
        }
        lanes.clear();
        synchronized (fanouts) {
            if (tmpFd >= 0) {
                dev.linkvault.NativeDir.closeFd(tmpFd);
                tmpFd = -1;
            }
            for (int i = 0; i < fanouts.length; i++) {
                if (fanouts[i] >= 0) {
                    dev.linkvault.NativeDir.closeFd(fanouts[i]);
                    fanouts[i] = -1;
                }
            }
        }
    }

    /** Moves what holds a blob's name but is not that blob out of the store, into .data/quarantine. */
    private void setAside(BlobId id) throws IOException {
        quarantine(path(id), id, true);
    }

    /**
     * Moves a stored file of blob {@code id} (the blob itself, or an overflow copy) to
     * {@code .data/quarantine/<fan-out><name>-<millis>}, and for the blob itself forgets its facts:
     * the next snapshot finds the content missing and stores it again. False when it was gone.
     */
    public boolean quarantine(Path file, BlobId id, boolean primary) throws IOException {
        Files.createDirectories(quarantineDir);
        boolean moved = true;
        try {
            Files.move(file, quarantineDir.resolve(file.getParent().getFileName() + file.getFileName().toString() + "-"
                    + System.currentTimeMillis()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            moved = false; // set aside already, or removed meanwhile
        }
        if (primary) {
            catalog.get().forgetBlob(id);
        }
        return moved;
    }

    /**
     * Stores a content read from {@code in} (which this method closes).
     *
     * @param mtime the blob's modification time: the source's, at first ingest
     * @throws RepositoryWriteException when writing to the repository fails
     * @throws IOException when reading {@code in} fails
     */
    public Put put(InputStream in, Instant mtime) throws IOException {
        Written w = stage(in, mtime);
        if (w.put() != null) {
            return w.put();
        }
        if (durable) {
            try {
                // A blob must survive a power loss complete before its name exists.
                force(w.staged().tmp());
            } catch (IOException e) {
                discard(w.staged());
                throw e;
            }
        }
        return publishStaged(w.staged());
    }

    /**
     * A new content written, sealed (read-only, its mtime) and hashed in {@code .data/tmp}, not yet
     * durable and not yet under its name: {@link #publishStaged} after {@link #flushStaged}.
     */
    public record Staged(Path tmp, BlobId id, long size, String sha256) {}

    /** What writing a content came to: a Put when it needs no name of its own (empty, stored already), else a Staged. */
    public record Written(Put put, Staged staged) {}

    /**
     * Stores a content as {@link #put} does, except that a new content is left staged: its bytes
     * are not synced and its name not published, so that many can be made durable by one flush
     * of the filesystem ({@link #flushStaged}) before their names appear ({@link #publishStaged}).
     * A staged file that is never published is a leftover in {@code .data/tmp}, cleared later.
     */
    public Written stage(InputStream in, Instant mtime) throws IOException {
        // A content that fits the buffer is hashed before anything is written: a duplicate (most
        // re-read files, many of a first snapshot) then costs no file in .data/tmp at all.
        byte[] buf = dev.linkvault.Buffers.io(); // findStored may hash a stored blob: with a buffer of its own
        MessageDigest sha1 = dev.linkvault.Digests.of("SHA-1");
        Path tmp = null;
        boolean keep = false;
        try {
            int first;
            long size;
            try (in) {
                first = fill(in, buf);
                sha1.update(buf, 0, first);
                size = first;
                if (first == buf.length) {
                    // perhaps more than the buffer holds: the rest streams through a file
                    Temp t = newTemp("put-");
                    tmp = t.path();
                    try (FileChannel out = t.out()) {
                        writeFully(out, buf, first);
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            sha1.update(buf, 0, n);
                            writeFully(out, buf, n);
                            size += n;
                        }
                    }
                }
            }
            BlobId id = new BlobId(HexFormat.of().formatHex(sha1.digest()), null);
            if (size == 0) {
                return new Written(new Put(BlobId.EMPTY, 0, EMPTY_SHA256, Outcome.EMPTY), null);
            }
            // SHA-256 tells a duplicate from a SHA-1 collision: needed only when that SHA-1 is stored
            String sha256 = null;
            BasicFileAttributes there = absent(id) ? null : attributes(id);
            if (there != null) {
                sha256 = tmp == null ? sha256Of(buf, first) : sha256Of(tmp);
                Put known = findStored(id, there, size, sha256);
                if (known != null) {
                    return new Written(known, null);
                }
            }
            if (tmp == null) {
                tmp = sealedInOneCall(buf, first, mtime);
                if (tmp == null) {
                    Temp t = newTemp("put-");
                    tmp = t.path();
                    try (FileChannel out = t.out()) {
                        writeFully(out, buf, first);
                    }
                    seal(tmp, mtime);
                }
            } else {
                seal(tmp, mtime);
            }
            keep = true;
            return new Written(null, new Staged(tmp, id, size, sha256));
        } finally {
            if (!keep && tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Reads until {@code buf} is full or the stream ends: how many bytes it holds. */
    private static int fill(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /**
     * Makes the bytes of staged blobs durable with one flush of the repository's filesystem
     * ({@code syncfs(2)}: through the native helper, else coreutils' {@code sync -f}); where that cannot be run, one
     * {@code fdatasync} per file. Nothing to do for a repository opened without durability.
     */
    public void flushStaged(List<Staged> staged) throws IOException {
        if (!durable || staged.isEmpty()) {
            return;
        }
        if (!syncfsFails && syncfs()) {
            return;
        }
        for (Staged st : staged) {
            force(st.tmp());
        }
    }

    /** fdatasync of one file. */
    private static void force(Path file) throws RepositoryWriteException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) { // a staged file is read-only already
            ch.force(false);
        } catch (IOException e) {
            throw new RepositoryWriteException("cannot sync " + file + ": " + dev.linkvault.IoErrors.reason(e), e);
        }
    }

    /** Set once {@code sync -f} failed: the per-file way is used from then on. */
    private volatile boolean syncfsFails;

    private boolean syncfs() throws IOException {
        int fd = tmpFolder();
        if (fd >= 0 && dev.linkvault.NativeDir.syncFilesystem(fd) == 0) {
            return true; // else sync(1), which meets the same problem and says it, or the per-file way
        }
        try {
            Process p = new ProcessBuilder("sync", "-f", tmpDir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() == 0) {
                return true;
            }
        } catch (IOException e) {
            // no sync(1) here: the per-file way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("stopped while flushing the repository");
        }
        syncfsFails = true;
        return false;
    }

    /** Gives a staged blob, flushed by {@link #flushStaged}, its name (or finds its content stored meanwhile). */
    public Put publishStaged(Staged st) throws IOException {
        try {
            return publish(st.tmp(), st.id(), st.size(), st.sha256());
        } catch (IOException | RuntimeException e) {
            discard(st);
            throw e;
        }
    }

    /**
     * Renames {@code tmp} to blob {@code id}'s name in its open fan-out folder, never over anything
     * there ({@code renameat2(RENAME_NOREPLACE)} through the helper): one call where a link and the
     * temp file's removal took two path walks each. False when that cannot be done (no helper, no
     * fan-out folder yet, a filesystem without it): the caller links.
     *
     * @throws FileAlreadyExistsException when something has the name
     */
    private boolean renamedInto(Path tmp, BlobId id) throws FileAlreadyExistsException {
        int fd = renameUnsupported ? -1 : fanout(id);
        if (fd < 0) {
            return false;
        }
        int err = dev.linkvault.NativeDir.renameNew(tmp, fd, id.name());
        if (err == dev.linkvault.NativeDir.EEXIST) {
            throw new FileAlreadyExistsException(path(id).toString());
        }
        if (err == dev.linkvault.NativeDir.EINVAL || err == dev.linkvault.NativeDir.ENOSYS) {
            renameUnsupported = true;
        }
        return err == 0;
    }

    /** Set once renameat2 with RENAME_NOREPLACE was refused here: links from then on. */
    private volatile boolean renameUnsupported;

    /** Removes a staged blob that will not be published (the run is stopping). */
    public void discard(Staged st) {
        try {
            Files.deleteIfExists(st.tmp());
        } catch (IOException e) {
            // a leftover in .data/tmp, cleared later
        }
    }

    private static void writeFully(FileChannel out, byte[] buf, int n) throws RepositoryWriteException {
        try {
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
                out.write(bb);
            }
        } catch (IOException e) {
            throw new RepositoryWriteException("cannot write to the repository: " + dev.linkvault.IoErrors.reason(e), e);
        }
    }

    /** A new file in the calling thread's lane, and the channel that writes it. */
    private record Temp(Path path, FileChannel out) {}

    /**
     * A new file in the calling thread's lane holding the first {@code n} bytes of {@code buf},
     * sealed as {@link #seal} does, made by one call of the native helper relative to the open lane:
     * the JDK's way walks the whole path twice (the create, and an open to set the time) and copies
     * through a channel's buffer. Null where that cannot be done (no helper; the run's first file,
     * whose mode tells what the umask does; any failure): the JDK's way then does it, or says why.
     */
    private Path sealedInOneCall(byte[] buf, int n, Instant mtime) throws RepositoryWriteException {
        Boolean keepsReadOnly = umaskKeepsReadOnly;
        if (keepsReadOnly == null) {
            return null;
        }
        Lane lane = lane(false);
        if (lane.fd() < 0) {
            return null;
        }
        String name = tempName("put-");
        int err = dev.linkvault.NativeDir.createFile(lane.fd(), name, buf, n, 0444, !keepsReadOnly, mtime);
        return err == 0 ? lane.path().resolve(name) : null;
    }

    /**
     * A new file in the calling thread's lane, open for writing: one {@code open(O_CREAT|O_EXCL)}
     * with mode 0444 (the descriptor that creates a file writes it whatever its mode), named by a
     * counter, where {@code Files.createTempFile} took a random name, a create and a second open.
     */
    private Temp newTemp(String prefix) throws RepositoryWriteException {
        Path lane = lane(false).path();
        for (int attempt = 0; ; attempt++) {
            Path p = lane.resolve(tempName(prefix));
            try {
                FileChannel out = FileChannel.open(p, CREATE_WRITE, READ_ONLY_AT_CREATION);
                if (umaskKeepsReadOnly == null) {
                    umaskKeepsReadOnly = PosixFilePermissions.toString(Files.getPosixFilePermissions(p)).equals(READ_ONLY);
                }
                return new Temp(p, out);
            } catch (FileAlreadyExistsException taken) {
                if (attempt > 1000) {
                    throw new RepositoryWriteException("cannot create a file in " + lane + ": every name tried is taken", taken);
                }
            } catch (NoSuchFileException gone) {
                if (attempt > 0) {
                    throw new RepositoryWriteException("cannot create a file in " + lane + ": " + dev.linkvault.IoErrors.reason(gone), gone);
                }
                lane = lane(true).path(); // removed by close() or by hand: made again
            } catch (IOException e) {
                throw new RepositoryWriteException("cannot create a file in " + lane + ": " + dev.linkvault.IoErrors.reason(e), e);
            }
        }
    }

    private static final java.util.Set<StandardOpenOption> CREATE_WRITE =
            java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    private static final java.nio.file.attribute.FileAttribute<?> READ_ONLY_AT_CREATION =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(READ_ONLY));
    private final java.util.concurrent.atomic.AtomicLong tempNumbers = new java.util.concurrent.atomic.AtomicLong();

    /** A name for a new file in a lane: {@code prefix}, a counter of this store, {@code .tmp}. */
    private String tempName(String prefix) {
        return prefix + tempNumbers.getAndIncrement() + ".tmp";
    }
    /** Whether a file created with mode 0444 has it (no umask bit clears one of its r); null until the first. */
    private volatile Boolean umaskKeepsReadOnly;

    /**
     * The calling thread's folder in {@code .data/tmp}. Files created and removed by many threads in
     * one folder wait on that folder's lock in the kernel (one per directory) while each new inode is
     * allocated; where allocation is slow (ext4 without a journal, soon after a large deletion) a
     * first snapshot used a sixth less system CPU with a folder per thread, elsewhere no difference
     * was measured. Empty lanes go at {@link #close}; a run that stopped short leaves them to the
     * next writer's clearing of {@code .data/tmp}.
     */
    private Lane lane(boolean again) throws RepositoryWriteException {
        Lane lane = this.lane.get();
        if (lane != null && lane.closedBefore() != closes.get()) {
            lane = null; // its descriptor was closed by close(): its number may name another file now
        }
        if (lane == null || again) {
            Path path = lane != null ? lane.path()
                    : tmpDir.resolve("lane-" + dev.linkvault.Pid.current() + "-" + laneNumbers.getAndIncrement());
            try {
                Files.createDirectories(path);
            } catch (IOException e) {
                throw new RepositoryWriteException("cannot create a folder in " + tmpDir + ": " + dev.linkvault.IoErrors.reason(e), e);
            }
            if (lane != null) {
                lanes.remove(lane);
                dev.linkvault.NativeDir.closeFd(lane.fd());
            }
            lane = new Lane(path, dev.linkvault.NativeDir.open(path), closes.get());
            lanes.add(lane);
            this.lane.set(lane);
        }
        return lane;
    }

    /**
     * A thread's folder in {@code .data/tmp}, its descriptor through the native helper (-1 without),
     * and how many times {@link #close} had run when it was opened.
     */
    private record Lane(Path path, int fd, int closedBefore) {}

    private final java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicInteger laneNumbers = new java.util.concurrent.atomic.AtomicInteger();
    private final ThreadLocal<Lane> lane = new ThreadLocal<>();
    private final java.util.Set<Lane> lanes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void seal(Path tmp, Instant mtime) throws IOException {
        if (!Boolean.TRUE.equals(umaskKeepsReadOnly)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(READ_ONLY));
        }
        Files.setLastModifiedTime(tmp, FileTime.from(mtime));
    }

    /** The stored blob with exactly this content, if any: the common case of a duplicate, without a sync. */
    private Put findStored(BlobId primary, BasicFileAttributes primaryAttributes, long size, String sha256)
            throws IOException {
        for (BlobId id : new BlobId[] {primary, new BlobId(primary.sha1(), sha256)}) {
            BasicFileAttributes a = id == primary ? primaryAttributes : attributes(id);
            if (a == null) {
                return null;
            }
            if (!a.isRegularFile()) {
                setAside(id); // a symlink or folder at a blob's name: the content read takes the name
                return null;
            }
            Catalog.BlobFacts facts = facts(id);
            if (facts == null) {
                setAside(id); // not the content its name says: the content read takes the name
                return null;
            }
            if (facts.size() == size && facts.sha256().equals(sha256)) {
                if (a.size() != size) {
                    setAside(id); // cut short or grown since it was stored: damaged, and replaced now
                    return null;
                }
                return new Put(id, size, sha256, Outcome.EXISTED);
            }
        }
        return null;
    }

    /**
     * True when nothing has {@code id}'s name, told by one {@code fstatat} in the open fan-out folder
     * (no path walked, no exception made: most new blobs of a first snapshot). A name that cannot be
     * told counts as absent, as {@link #attributes} has it; false without the helper or the folder,
     * and {@link #attributes} asks. Wrong only if the fan-out folder was replaced during the run:
     * publishing then meets the stored blob and compares.
     */
    private boolean absent(BlobId id) {
        int fd = fanout(id);
        return fd >= 0 && dev.linkvault.NativeDir.regularSize(fd, id.name()) == -2;
    }

    /**
     * A stored name's attributes, not following a symlink (one {@code lstat} for what took three);
     * null when nothing has that name or it cannot be told, as {@link #exists}: publishing the content
     * read then meets the real problem and says it.
     */
    private BasicFileAttributes attributes(BlobId id) {
        try {
            return Files.readAttributes(path(id), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return null;
        }
    }

    /**
     * Makes everything written to the repository's filesystem so far durable with one
     * {@code syncfs(2)} (or {@code sync -f}), blob names included (so {@link #syncNames} then has
     * nothing left to do); false when neither can be run, and the caller syncs what it wrote file
     * by file or folder by folder.
     */
    public boolean syncFilesystem() throws IOException {
        if (!durable) {
            return true;
        }
        if (syncfsFails || !syncfs()) {
            return false;
        }
        dirty.clear();
        return true;
    }

    /**
     * Makes the names of blobs published since the last call durable: their fan-out folders (and
     * {@code .data/sha1}, for a new fan-out folder) are fsynced. Called before a snapshot that
     * uses them is published; one sync per folder touched, not one per blob.
     */
    public void syncNames() throws IOException {
        if (!durable) {
            dirty.clear();
            return;
        }
        for (Path dir : List.copyOf(dirty)) {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException e) {
                throw new RepositoryWriteException("cannot sync " + dir + ": " + dev.linkvault.IoErrors.reason(e), e);
            }
            dirty.remove(dir);
        }
    }

    /** SHA-256 of the first {@code n} bytes of {@code b}, in hex. */
    private static String sha256Of(byte[] b, int n) {
        MessageDigest d = dev.linkvault.Digests.of("SHA-256");
        d.update(b, 0, n);
        return HexFormat.of().formatHex(d.digest());
    }

    /** SHA-256 of a file, in hex. */
    private static String sha256Of(Path file) throws IOException {
        MessageDigest d = dev.linkvault.Digests.of("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** The SHA-256 of zero bytes. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /**
     * Names {@code tmp} as blob {@code id}: renamed there, else linked and then removed; removed too
     * when its content proves stored already. Left only when this throws. {@code sha256} may be null
     * (not computed: no blob of that SHA-1 was stored); the blob's facts are then recorded when first needed.
     */
    private Put publish(Path tmp, BlobId id, long size, String sha256) throws IOException {
        Path dst = path(id);
        try {
            if (!renamedInto(tmp, id)) {
                if (linkCreatingParent(dst, tmp)) {
                    dirty.add(sha1Dir);
                }
                Files.deleteIfExists(tmp);
            }
            dirty.add(dst.getParent());
            if (sha256 != null) {
                catalog.get().recordBlob(id, size, sha256);
            }
            return new Put(id, size, sha256, id.isCollisionVariant() ? Outcome.COLLISION_INSERTED : Outcome.INSERTED);
        } catch (FileAlreadyExistsException e) {
            if (sha256 == null) {
                sha256 = sha256Of(tmp); // another worker named the same SHA-1 meanwhile
            }
            Catalog.BlobFacts there = facts(id);
            if (there == null) {
                setAside(id);
                return publish(tmp, id, size, sha256);
            }
            if (there.size() == size && there.sha256().equals(sha256)) {
                Files.deleteIfExists(tmp);
                return new Put(id, size, sha256, Outcome.EXISTED);
            }
            if (id.isCollisionVariant()) {
                throw new IOException("blob " + dst + " does not hold the content its name says; run verify");
            }
            return publish(tmp, new BlobId(id.sha1(), sha256), size, sha256);
        }
    }

    /**
     * Size and SHA-256 of a stored blob: from the catalog, else by reading it once (a new blob's
     * are recorded only when first needed). Null when the stored file is not the content its name
     * says (changed in place by hand, cut short): it is then no blob, and is set aside by the caller.
     */
    private Catalog.BlobFacts facts(BlobId id) throws IOException {
        var known = catalog.get().blob(id);
        if (known.isPresent()) {
            return known.get();
        }
        ContentHash h = ContentHash.of(path(id));
        if (!h.sha1().equals(id.sha1()) || id.isCollisionVariant() && !h.sha256().equals(id.collisionSha256())) {
            return null;
        }
        catalog.get().recordBlob(id, h.size(), h.sha256());
        return new Catalog.BlobFacts(h.size(), h.sha256());
    }

    /** Links {@code dst} to {@code existing}, making {@code dst}'s folder on the way: true when it did. */
    private boolean linkCreatingParent(Path dst, Path existing) throws IOException {
        try {
            Files.createLink(dst, existing);
            return false;
        } catch (NoSuchFileException e) {
            Files.createDirectories(dst.getParent());
            Files.createLink(dst, existing);
            return true;
        }
    }

    /**
     * Hard-links blob {@code id} at {@code dst}. When the blob has as many links as the
     * filesystem allows (EMLINK), links go to the overflow copy {@code <name>.1}, then
     * {@code <name>.2}, ..., each made on first need from the blob and checked against its SHA-1.
     *
     * @throws BlobMissingException when the blob is not stored
     * @throws NoSuchFileException when {@code dst}'s parent folder does not exist
     */
    public void link(BlobId id, Path dst) throws IOException {
        int fd = fanout(id);
        if (fd >= 0 && dev.linkvault.NativeDir.link(fd, id.name(), dst) == 0) {
            return; // else the same link by path, which meets the same problem and says it
        }
        linkByPath(id, dst);
    }

    /**
     * As {@link #link(BlobId, Path)}, the link made as {@code name} in the open folder {@code dir}
     * (a descriptor from {@link dev.linkvault.NativeDir}) where the helper can, else at {@code dst};
     * and when {@code size >= 0}, only if the blob is {@link #intact} with that size, checked in the
     * same native call as the link: a catalog hit costs one call, not a stat and a link by path.
     *
     * @return false when the blob is not intact (nothing is linked then)
     */
    public boolean link(BlobId id, long size, int dir, String name, java.util.function.Supplier<Path> dst)
            throws IOException {
        int fd = fanout(id);
        boolean tried = fd >= 0 && dir >= 0;
        if (tried) {
            int rc = dev.linkvault.NativeDir.linkBlob(fd, id.name(), size, dir, name);
            if (rc == 0) {
                return true;
            }
            if (rc == dev.linkvault.NativeDir.NOT_INTACT) {
                return false;
            }
            // else by path, which meets the same problem and says it (a name taken, the link limit)
        }
        if (size >= 0 && !intact(id, size)) {
            return false;
        }
        if (tried) {
            linkByPath(id, dst.get());
        } else {
            link(id, dst.get());
        }
        return true;
    }

    private void linkByPath(BlobId id, Path dst) throws IOException {
        Path primary = path(id);
        for (int n = 0; ; n++) {
            Path candidate = copyPath(id, n);
            try {
                Files.createLink(dst, candidate);
                return;
            } catch (NoSuchFileException e) {
                if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    throw e;
                }
                if (n == 0) {
                    throw new BlobMissingException(id);
                }
                makeCopy(id, primary, candidate);
                n--;
            } catch (FileSystemException e) {
                if (!isLinkLimit(candidate, e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether a failed {@code link(2)} to {@code target} is the filesystem's link limit (EMLINK).
     * Java gives no errno, and the error's text is in the user's language, so this is decided from
     * the filesystem: the target exists and already has at least {@link #FEWEST_LINKS_AT_LIMIT}
     * links (ext4 stops at 65,000, btrfs at 65,535; no filesystem stops near a thousand). A
     * failure this wrongly takes for the limit only costs a verified copy, whose own write then
     * meets the real problem (no space, read-only) and says it.
     */
    static boolean isLinkLimit(Path target, FileSystemException e) {
        if (e instanceof FileAlreadyExistsException || e instanceof NoSuchFileException
                || e instanceof java.nio.file.AccessDeniedException) {
            return false;
        }
        try {
            Object n = Files.getAttribute(target, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            return n instanceof Integer links && links >= FEWEST_LINKS_AT_LIMIT;
        } catch (IOException | UnsupportedOperationException x) {
            return false;
        }
    }

    static final int FEWEST_LINKS_AT_LIMIT = 1000;

    private void makeCopy(BlobId id, Path primary, Path copy) throws IOException {
        Temp t = newTemp("copy-");
        Path tmp = t.path();
        try {
            MessageDigest sha1 = dev.linkvault.Digests.of("SHA-1");
            try (InputStream in = Files.newInputStream(primary); FileChannel out = t.out()) {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sha1.update(buf, 0, n);
                    writeFully(out, buf, n);
                }
                if (durable) {
                    out.force(false);
                }
            }
            if (!HexFormat.of().formatHex(sha1.digest()).equals(id.sha1())) {
                throw new IOException("blob " + primary + " does not match its name; run verify");
            }
            seal(tmp, Files.getLastModifiedTime(primary).toInstant());
            try {
                Files.createLink(copy, tmp);
                dirty.add(copy.getParent());
            } catch (FileAlreadyExistsException raced) {
                // another worker made the same copy first; theirs serves
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }


}
