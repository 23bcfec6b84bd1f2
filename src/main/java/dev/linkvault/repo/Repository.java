package dev.linkvault.repo;

import dev.linkvault.RelPath;
import dev.linkvault.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A linkvault repository on disk: the layout (see spec/repository-format.md), its format
 * version, the writer lock, the catalog, the blob store and the snapshot trees.
 */
public final class Repository implements AutoCloseable {
    public static final int FORMAT = 1;
    static final String FORMAT_TEXT = "linkvault repository\nformat: " + FORMAT + "\n";
    public static final String PARTIAL = ".partial";
    private static final Pattern FORMAT_LINE = Pattern.compile("(?m)^format: (\\d+)$");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+@-]{0,99}");

    private final Path root;
    private final boolean writer;
    private Catalog catalog; // opened on first use: gc and verify often need none
    private final RepositoryLock lock;
    private final BlobStore blobs;
    private int leftoversRemoved;

    /** How far a snapshot got. */
    public enum State {
        /** Manifest written and tree in place. */
        COMPLETE,
        /** Being built, or interrupted: {@code snapshots/<name>.partial}; the next snapshot run resumes it. */
        INCOMPLETE,
        /** A tree with no manifest, for example one made by nextcloud-s3-backup. */
        UNMANAGED,
        /** A manifest that cannot be read to its end: the tree is still there to copy from; verify says more. */
        DAMAGED,
        /**
         * Published, but too many of its files had errors (a store that was down, say): browsable
         * and restorable for what it holds, never a keeper for retention, removed by forget after
         * the incomplete grace.
         */
        FAILED,
        /**
         * Its manifest is published but its tree still has its partial name (a crash between the
         * two renames): complete, and given its name by the next writer.
         */
        COMPLETE_PENDING;

        /** As shown to users: {@code complete-pending}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One snapshot as found on disk; {@code summary} is null unless complete. */
    public record SnapshotInfo(String name, State state, SnapshotSummary summary) {
        /** Whether its tree and manifest are whole: complete, or {@code failed} (whole, with many errors). */
        public boolean restorable() {
            return state == State.COMPLETE || state == State.FAILED;
        }
    }

    /** The snapshots of {@code all} that can be restored from, oldest first (by the time they were taken, then name). */
    public static List<SnapshotInfo> restorable(List<SnapshotInfo> all) {
        List<SnapshotInfo> out = new ArrayList<>();
        for (SnapshotInfo s : all) {
            if (s.restorable()) {
                out.add(s);
            }
        }
        out.sort(java.util.Comparator.comparing((SnapshotInfo s) -> s.summary().started()).thenComparing(SnapshotInfo::name));
        return out;
    }

    private Repository(Path root, RepositoryLock lock, boolean durable) {
        this.root = root;
        this.writer = lock != null;
        this.lock = lock;
        this.blobs = new BlobStore(sha1Dir(), etagDir(), tmpDir(), quarantineDir(), this::catalog, durable);
    }

    // ---- layout ----
    public Path root() {
        return root;
    }

    public Path dataDir() {
        return root.resolve(".data");
    }

    public Path sha1Dir() {
        return dataDir().resolve("sha1");
    }

    public Path etagDir() {
        return dataDir().resolve("etag");
    }

    /** Damaged blobs verify moved out of the store: {@code .data/quarantine/<blob name>-<millis>}. */
    public Path quarantineDir() {
        return dataDir().resolve("quarantine");
    }

    public Path tmpDir() {
        return dataDir().resolve("tmp");
    }

    public Path snapshotsDir() {
        return root.resolve("snapshots");
    }

    public Path metaDir() {
        return root.resolve(".linkvault");
    }

    public Path manifestsDir() {
        return metaDir().resolve("manifests");
    }

    public Path manifest(String name) {
        return manifestsDir().resolve(name + ".tsv.gz");
    }

    public Path tree(String name) {
        return snapshotsDir().resolve(name);
    }

    public Path partialTree(String name) {
        return snapshotsDir().resolve(name + PARTIAL);
    }

    /**
     * The catalog, opened on first use. The writer opens it read-write (and sets a damaged file
     * aside); a reader opens it read-only and never changes it, and where it cannot be read
     * (busy, read-only media without it, a pending journal) an empty one in memory serves: the
     * manifests hold the truth.
     */
    public synchronized Catalog catalog() {
        if (catalog == null) {
            Path file = metaDir().resolve("catalog.sqlite");
            try {
                catalog = writer ? Catalog.openForWriting(file) : Catalog.openForReading(file);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
        return catalog;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** Checks a snapshot name: it becomes a folder name and is addressed as {@code NAME:path}. */
    public static void checkName(String name) {
        if (!NAME.matcher(name).matches() || name.endsWith(PARTIAL)) {
            throw new UserError("snapshot name '" + name + "' is not usable: use 1-100 letters, digits and . _ + @ -,"
                    + " starting with a letter or digit, not ending in " + PARTIAL);
        }
    }

    // ---- opening ----

    /** Creates a new repository in {@code root} (which must be absent or empty). */
    public static void init(Path root) {
        try {
            if (Files.exists(root.resolve(".linkvault").resolve("format"))) {
                throw new UserError(root + " is already a linkvault repository");
            }
            if (Files.isDirectory(root.resolve(".data"))) {
                throw new UserError(root + " holds a repository made by nextcloud-s3-backup (it has .data but no"
                        + " .linkvault); take it over with: linkvault init --adopt " + root);
            }
            if (Files.exists(root) && !Files.isDirectory(root)) {
                throw new UserError(root + " is a file, not a folder; choose another place for the repository");
            }
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                    if (ds.iterator().hasNext()) {
                        throw new UserError(root + " is not empty; init a repository in a new or empty folder");
                    }
                }
            }
            for (Path d : new Path[] {root.resolve(".data/sha1"), root.resolve(".data/etag"), root.resolve(".data/tmp"),
                    root.resolve("snapshots"), root.resolve(".linkvault/manifests")}) {
                Files.createDirectories(d);
            }
            FilesystemProbe.check(root.resolve(".data/tmp"), root.resolve("snapshots"));
            writeFormat(root);
        } catch (IOException e) {
            throw new UserError("cannot create repository " + root + ": " + dev.linkvault.IoErrors.reasonAndFix(e), e);
        }
    }

    /**
     * Makes a repository of nextcloud-s3-backup ({@code .data/sha1}, {@code snapshots/}, no
     * {@code .linkvault}) a linkvault repository in place: adds what linkvault keeps beside the
     * layout and writes the format version. Moves and rewrites nothing; its snapshots are then
     * "unmanaged" until they get manifests. Does nothing to a linkvault repository.
     */
    public static boolean adoptLayout(Path root) {
        if (Files.exists(root.resolve(".linkvault/format"))) {
            return false;
        }
        if (!Files.isDirectory(root.resolve(".data/sha1")) || !Files.isDirectory(root.resolve("snapshots"))) {
            throw new UserError(root + " is not a repository of nextcloud-s3-backup (no .data/sha1 and snapshots/);"
                    + " for a new repository use: linkvault init DIR");
        }
        try {
            for (Path d : new Path[] {root.resolve(".data/etag"), root.resolve(".data/tmp"),
                    root.resolve(".linkvault/manifests")}) {
                Files.createDirectories(d);
            }
            FilesystemProbe.check(root.resolve(".data/tmp"), root.resolve("snapshots"));
            writeFormat(root);
            return true;
        } catch (IOException e) {
            throw new UserError("cannot adopt " + root + ": " + dev.linkvault.IoErrors.reasonAndFix(e), e);
        }
    }

    private static void writeFormat(Path root) throws IOException {
        Path format = root.resolve(".linkvault/format");
        Path tmp = root.resolve(".linkvault/format.tmp");
        Files.writeString(tmp, FORMAT_TEXT, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, format, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Opens for commands that only read (snapshots, ls, restore): no lock, no probe. Where the
     * catalog cannot be opened (read-only media), one in memory serves: manifests hold the truth.
     */
    public static Repository openForReading(Path root) {
        checkFormat(root);
        return new Repository(root, null, true);
    }

    /**
     * Opens for writing: checks the format, probes the filesystem, takes the writer lock, rolls
     * forward a snapshot whose manifest was written but whose tree was not yet renamed, and
     * removes leftovers from {@code .data/tmp}.
     */
    public static Repository openForWriting(Path root, String command, boolean durable) {
        return openForWriting(root, command, durable, false);
    }

    /**
     * As {@link #openForWriting(Path, String, boolean)}; with {@code dryRun} the lock is taken
     * (so what is read is what a real run would see) but nothing is rolled forward or removed:
     * {@link #leftoversRemoved()} then counts what a real run would remove.
     */
    public static Repository openForWriting(Path root, String command, boolean durable, boolean dryRun) {
        checkFormat(root);
        Path meta = root.resolve(".linkvault");
        FilesystemProbe.check(root.resolve(".data/tmp"), root.resolve("snapshots"));
        RepositoryLock lock;
        try {
            lock = RepositoryLock.acquire(meta.resolve("lock"), root, command);
        } catch (IOException e) {
            throw new UserError("cannot lock repository " + root + ": " + dev.linkvault.IoErrors.reasonAndFix(e), e);
        }
        try {
            Repository repo = new Repository(root, lock, durable);
            repo.recover(!dryRun);
            return repo;
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
            if (e instanceof UserError u) {
                throw u;
            }
            throw new UserError("cannot open repository " + root + ": " + e.getMessage(), e);
        }
    }

    /** The holder of a lock that was left by a process that died, or null. */
    public String staleLockHolder() {
        return lock == null ? null : lock.previousHolder();
    }

    private static void checkFormat(Path root) {
        Path f = root.resolve(".linkvault/format");
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(root)) {
                throw new UserError("repository " + root + " does not exist; create it with: linkvault init " + root);
            }
            throw new UserError(root + " is not a linkvault repository (no .linkvault/format); create one with:"
                    + " linkvault init DIR");
        } catch (IOException e) {
            throw new UserError("cannot read " + f + ": " + dev.linkvault.IoErrors.reasonAndFix(e), e);
        }
        var m = FORMAT_LINE.matcher(text);
        if (!m.find()) {
            throw new UserError(f + " is damaged: it should read 'format: " + FORMAT + "'");
        }
        int v = Integer.parseInt(m.group(1));
        if (v > FORMAT) {
            throw new UserError("repository " + root + " has format " + v + ", newer than this linkvault reads ("
                    + FORMAT + "); upgrade linkvault");
        }
    }

    private void recover(boolean apply) throws IOException {
        if (!apply) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpDir())) {
                for (Path ignored : ds) {
                    leftoversRemoved++;
                }
            }
            return;
        }
        // A forget interrupted after its tree left snapshots/ but before its manifest went.
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpDir(), FORGET_PREFIX + "*")) {
            for (Path p : ds) {
                String rest = p.getFileName().toString().substring(FORGET_PREFIX.length());
                String name = rest.substring(0, Math.max(0, rest.lastIndexOf('-')));
                if (!name.isEmpty() && !Files.exists(tree(name), LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(manifest(name));
                    Files.deleteIfExists(Manifest.Writer.indexOf(manifest(name)));
                    catalog().dropSnapshot(name);
                }
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(manifestsDir(), "*.tsv.gz")) {
            for (Path m : ds) {
                String name = m.getFileName().toString().replace(".tsv.gz", "");
                if (Files.isDirectory(partialTree(name)) && !Files.exists(tree(name))) {
                    Files.move(partialTree(name), tree(name));
                    rolledForward.add(name);
                }
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmpDir())) {
            for (Path p : ds) {
                deleteTree(p);
                leftoversRemoved++;
            }
        }
    }

    private final java.util.Set<String> rolledForward = new java.util.HashSet<>();

    /** Snapshots whose tree this opening renamed into place (their manifest had been published). */
    public java.util.Set<String> rolledForward() {
        return java.util.Set.copyOf(rolledForward);
    }

    /** How many leftovers of earlier runs (temp files, half-deleted trees) opening removed (would remove, in a dry run). */
    public int leftoversRemoved() {
        return leftoversRemoved;
    }

    private static final String FORGET_PREFIX = "forget-";

    /**
     * Removes a snapshot so that no moment leaves one that looks complete but is not: the tree
     * leaves {@code snapshots/} in one rename (into {@code .data/tmp}), then the manifest goes,
     * then the tree is deleted. Interrupted, the next writer finishes the job.
     */
    public void removeSnapshot(String name, boolean partial) throws IOException {
        Path from = partial ? partialTree(name) : tree(name);
        Path trash = tmpDir().resolve(FORGET_PREFIX + name + "-" + System.nanoTime());
        Files.move(from, trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDir(snapshotsDir());
        if (!partial) {
            Files.deleteIfExists(manifest(name));
            Files.deleteIfExists(Manifest.Writer.indexOf(manifest(name)));
            syncDir(manifestsDir());
        }
        catalog().dropSnapshot(name);
        deleteTree(trash);
    }

    // ---- snapshots ----

    /** Every snapshot, complete or not, in name order. */
    public List<SnapshotInfo> snapshots() throws IOException {
        Map<String, SnapshotInfo> found = new TreeMap<>();
        Map<String, Catalog.SnapshotRow> cached = null;
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(snapshotsDir())) {
            ds.forEach(entries::add);
        }
        // A few snapshots are decided from their manifests' indexes, without opening the catalog
        // (its first connection is a good part of a short command); many, from the catalog's
        // copy of their summaries, one query for all.
        boolean few = entries.size() <= FEW_SNAPSHOTS;
        for (Path p : entries) {
            String n = p.getFileName().toString();
            if (n.startsWith(".") || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (n.endsWith(PARTIAL)) {
                String name = n.substring(0, n.length() - PARTIAL.length());
                if (!Files.exists(manifest(name))) {
                    found.put(name, new SnapshotInfo(name, State.INCOMPLETE, null));
                } else if (!Files.exists(tree(name), LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        found.put(name, new SnapshotInfo(name, State.COMPLETE_PENDING, readSummary(name)));
                    } catch (Manifest.DamagedException damaged) {
                        found.put(name, new SnapshotInfo(name, State.DAMAGED, null));
                    }
                }
            } else if (Files.exists(manifest(n))) {
                SnapshotInfo indexed = few ? fromIndex(n) : null;
                if (indexed != null) {
                    found.put(n, indexed);
                    continue;
                }
                if (cached == null) {
                    cached = new TreeMap<>();
                    for (Catalog.SnapshotRow r : catalog().snapshots()) {
                        cached.put(r.name(), r);
                    }
                }
                Catalog.SnapshotRow row = cached.get(n);
                String stamp = manifestStamp(n);
                boolean fresh = row != null && row.summary() != null && "complete".equals(row.state())
                        && (row.manifest() == null || row.manifest().equals(stamp));
                try {
                    SnapshotSummary s = fresh ? row.summary() : summaryFromManifest(n, stamp);
                    found.put(n, new SnapshotInfo(n, s.failed() ? State.FAILED : State.COMPLETE, s));
                } catch (Manifest.DamagedException damaged) {
                    found.put(n, new SnapshotInfo(n, State.DAMAGED, null));
                }
            } else {
                found.put(n, new SnapshotInfo(n, State.UNMANAGED, null));
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The manifest file's size and mtime, which say whether what the catalog read from it still holds. */
    String manifestStamp(String name) throws IOException {
        BasicFileAttributes a = Files.readAttributes(manifest(name), BasicFileAttributes.class);
        return a.size() + ":" + a.lastModifiedTime().toMillis();
    }

    private SnapshotSummary summaryFromManifest(String name, String stamp) throws IOException {
        SnapshotSummary s = readSummary(name);
        if (catalog().writable()) {
            catalog().putSnapshot(name, "complete", s, stamp);
        }
        return s;
    }

    /** Caches a just-published snapshot's figures, with the stamp of its manifest. */
    public void cacheSummary(String name, SnapshotSummary summary) throws IOException {
        catalog().putSnapshot(name, "complete", summary, manifestStamp(name));
    }

    /**
     * Streams a complete snapshot's manifest; one that turns out damaged part-way is a
     * {@link UserError} naming the snapshot and what is left to do.
     */
    public SnapshotSummary readManifest(String name, Manifest.Visitor visitor) throws IOException {
        try {
            return Manifest.read(manifest(name), visitor);
        } catch (Manifest.DamagedException e) {
            throw damaged(name, e.getMessage());
        }
    }

    /**
     * Gives a manifest written before manifests had indexes (one gzip member) the form this
     * version writes: the same lines, in members, with an index. Written aside, synced and
     * renamed over the old one, so a crash leaves one or the other whole. Writer lock needed.
     *
     * @return false when it had an index already
     */
    public boolean indexManifest(String name) throws IOException {
        if (ManifestIndex.load(manifest(name)) != null) {
            return false;
        }
        Path tmp = manifestsDir().resolve(name + ".tsv.gz.tmp");
        try (Manifest.Writer w = new Manifest.Writer(tmp)) {
            SnapshotSummary s = Manifest.read(manifest(name), new Manifest.Visitor() {
                @Override
                public void item(Manifest.Item item) throws IOException {
                    w.item(item);
                }

                @Override
                public void error(String path, String message) throws IOException {
                    w.error(path, message);
                }
            });
            w.finish(s);
        } catch (Manifest.DamagedException e) {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(Manifest.Writer.indexOf(tmp));
            throw damaged(name, e.getMessage());
        }
        publishManifest(name, tmp);
        return true;
    }

    /** A manifest's summary: from its last member when it has an index, else by reading it through. */
    public SnapshotSummary readSummary(String name) throws IOException {
        ManifestIndex index = ManifestIndex.load(manifest(name));
        return index != null ? index.summary() : Manifest.read(manifest(name), item -> { });
    }

    /**
     * Streams the lines of {@code base} in {@code scope} from a complete snapshot's manifest:
     * through its index when it has one (a few members inflated), else by reading it through.
     *
     * @return whether the snapshot has {@code base}
     */
    public boolean readManifest(String name, RelPath base, ManifestIndex.Scope scope, Manifest.Visitor visitor)
            throws IOException {
        try {
            ManifestIndex index = ManifestIndex.load(manifest(name));
            if (index != null) {
                return index.read(base, scope, visitor);
            }
            String b = base.toString();
            int depth = base.depth();
            boolean[] found = {base.isRoot()};
            Manifest.read(manifest(name), new Manifest.Visitor() {
                @Override
                public void item(Manifest.Item item) throws IOException {
                    if (Manifest.under(item.path(), b)) {
                        found[0] = true;
                        if (ManifestIndex.wanted(item.path(), depth, scope)) {
                            visitor.item(item);
                        }
                    }
                }

                @Override
                public void error(String path, String message) throws IOException {
                    if (Manifest.under(path, b)) {
                        found[0] = true;
                        if (ManifestIndex.wanted(path, depth, scope)) {
                            visitor.error(path, message);
                        }
                    }
                }
            });
            return found[0];
        } catch (Manifest.DamagedException e) {
            throw damaged(name, e.getMessage());
        }
    }

    private UserError damaged(String name, String why) {
        return new UserError("snapshot " + name + " is damaged: its manifest cannot be read (" + why + "); its tree "
                + tree(name) + " is still there to copy from (cp -a), and verify tells what else is wrong");
    }

    /** Up to this many entries in {@code snapshots/}, {@link #snapshots} reads their indexes rather than the catalog. */
    static final int FEW_SNAPSHOTS = 64;

    private static final Pattern LATEST = Pattern.compile("latest(?:~(\\d{1,6}))?");

    /**
     * A complete snapshot by name; a clear error when it is absent or unfinished. {@code latest}
     * is the newest complete snapshot (by the time it was taken), {@code latest~N} the one N
     * before it, unless a snapshot is really named so.
     */
    public SnapshotInfo completeSnapshot(String name) throws IOException {
        SnapshotInfo named = LATEST.matcher(name).matches() ? null : indexedSnapshot(name);
        List<SnapshotInfo> all = named != null ? List.of(named) : snapshots();
        var m = LATEST.matcher(name);
        if (m.matches() && all.stream().noneMatch(s -> s.name().equals(name))) {
            int back = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
            List<SnapshotInfo> complete = all.stream().filter(s -> s.state() == State.COMPLETE)
                    .sorted(java.util.Comparator.comparing((SnapshotInfo s) -> s.summary().started())
                            .thenComparing(SnapshotInfo::name).reversed()).toList();
            if (back >= complete.size()) {
                throw new UserError("'" + name + "': the repository has " + complete.size() + " complete snapshots;"
                        + " list them with: linkvault snapshots");
            }
            return complete.get(back);
        }
        for (SnapshotInfo s : all) {
            if (s.name().equals(name)) {
                if (s.state() == State.DAMAGED) {
                    throw damaged(name, "it is cut short or altered");
                }
                if (s.state() == State.FAILED) {
                    return s; // what it holds is whole; its errors are in the manifest
                }
                if (s.state() != State.COMPLETE) {
                    throw new UserError("snapshot " + name + " is " + s.state().label() + switch (s.state()) {
                        case INCOMPLETE -> "; run snapshot again to finish it";
                        case COMPLETE_PENDING -> "; any writing command (snapshot, gc) gives its tree its name; meanwhile"
                                + " it can be copied from " + partialTree(name);
                        default -> "; it has no manifest";
                    });
                }
                return s;
            }
        }
        throw new UserError("no snapshot named '" + name + "' in " + root + "; list them with: linkvault snapshots");
    }

    /**
     * The snapshot {@code name} from its tree and its manifest's index alone, when it has both:
     * what {@link #snapshots} would say of it, without opening the catalog (or looking at any
     * other snapshot), so that a restore or an ls of one path starts sooner. Null in every other
     * case, which {@link #snapshots} then decides.
     */
    private SnapshotInfo indexedSnapshot(String name) throws IOException {
        if (!NAME.matcher(name).matches() || name.endsWith(PARTIAL)
                || !Files.isDirectory(tree(name), LinkOption.NOFOLLOW_LINKS) || !Files.exists(manifest(name))) {
            return null;
        }
        return fromIndex(name);
    }

    /** A snapshot whose tree and manifest are there, from its manifest's index; null without a valid index. */
    private SnapshotInfo fromIndex(String name) throws IOException {
        try {
            ManifestIndex index = ManifestIndex.load(manifest(name));
            if (index == null) {
                return null;
            }
            SnapshotSummary s = index.summary();
            return new SnapshotInfo(name, s.failed() ? State.FAILED : State.COMPLETE, s);
        } catch (Manifest.DamagedException damaged) {
            return new SnapshotInfo(name, State.DAMAGED, null);
        }
    }

    /** Opens a writer on a new, empty partial tree for {@code name}. */
    public SnapshotWriter newPartialTree(String name) throws IOException {
        Path p = partialTree(name);
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            // An interrupted run's tree: move it out of the way at once, delete it after. Its
            // contents are in the store and the catalog, so rebuilding it reads nothing again.
            Path trash = Files.createTempDirectory(tmpDir(), "old-partial-");
            Files.move(p, trash.resolve("tree"));
            deleteTree(trash);
        }
        Files.createDirectory(p);
        return new SnapshotWriter(p, blobs, tmpDir().resolve(name + ".dirtimes"));
    }

    /** Publishes a finished snapshot: the manifest first (the mark of completion), then the tree's name. */
    public void publish(String name, Path manifestTmp) throws IOException {
        publishManifest(name, manifestTmp);
        Files.move(partialTree(name), tree(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDir(snapshotsDir());
    }

    /** Gives a finished manifest its name: from then on its snapshot is complete. */
    public void publishManifest(String name, Path manifestTmp) throws IOException {
        Path indexTmp = Manifest.Writer.indexOf(manifestTmp);
        if (Files.exists(indexTmp)) {
            // the index first: a manifest never goes without the index written with it
            Files.move(indexTmp, Manifest.Writer.indexOf(manifest(name)), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(manifestTmp, manifest(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDir(manifestsDir());
    }

    static void syncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Deletes a folder tree, read-only files included; missing is fine. On Linux each name is
     * removed with one {@code unlinkat} relative to its open folder, as {@code rm -rf} does
     * ({@code Files.delete} and a file walk {@code lstat} every file by its whole path first), and
     * the folders of the first level that has several go on up to 4 threads, each removed by the
     * native helper in one call where it is loaded: forgetting a snapshot of 100,000 files is mostly this.
     */
    public static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(top);
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(top)) {
            if (ds instanceof java.nio.file.SecureDirectoryStream<Path> sds) {
                int fd = dev.linkvault.NativeDir.open(top); // the same folder for the helper, -1 without it
                try {
                    empty(sds, fd);
                } finally {
                    dev.linkvault.NativeDir.closeFd(fd);
                }
            } else {
                walkDelete(top);
                return;
            }
        }
        Files.delete(top);
    }

    /**
     * Empties an open folder. Down a chain of folders that each hold one folder (a forgotten
     * snapshot's tree holds one folder per source) it goes one by one; the folders of the first
     * level that has several are emptied in parallel.
     */
    private static void empty(java.nio.file.SecureDirectoryStream<Path> dir, int fd) throws IOException {
        List<Path> folders = emptyFiles(dir);
        if (folders.size() > 1) {
            inParallel(dir, fd, folders);
        } else if (folders.size() == 1) {
            Path only = folders.get(0);
            int subFd = dev.linkvault.NativeDir.openAt(fd, only.toString());
            try (java.nio.file.SecureDirectoryStream<Path> sub = dir.newDirectoryStream(only, LinkOption.NOFOLLOW_LINKS)) {
                empty(sub, subFd);
            } finally {
                dev.linkvault.NativeDir.closeFd(subFd);
            }
            dir.deleteDirectory(only);
        }
    }

    /** Removes the files of an open folder; returns the names of its folders, which are left. */
    private static List<Path> emptyFiles(java.nio.file.SecureDirectoryStream<Path> dir) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path p : dir) {
            names.add(p.getFileName());
        }
        List<Path> folders = new ArrayList<>();
        for (Path name : names) {
            try {
                dir.deleteFile(name);
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed meanwhile
            } catch (IOException e) {
                // EISDIR (EPERM elsewhere): a folder, emptied after; anything else is said as it is
                if (!dir.getFileAttributeView(name, java.nio.file.attribute.BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes().isDirectory()) {
                    throw e;
                }
                folders.add(name);
            }
        }
        return folders;
    }

    /** Empties the folder {@code name} of {@code parent}, then removes it. */
    private static void emptyFolder(java.nio.file.SecureDirectoryStream<Path> parent, Path name) throws IOException {
        try (java.nio.file.SecureDirectoryStream<Path> sub = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            for (Path f : emptyFiles(sub)) {
                emptyFolder(sub, f);
            }
        }
        parent.deleteDirectory(name);
    }

    /**
     * Removes {@code folders} of {@code parent}, each on one of up to 4 threads: through the native
     * helper when it is loaded ({@code fd}, the same folder opened for it: no path walked, no path
     * or exception made per name), and where that fails or is missing, the JDK's way, which goes on
     * from what is left and says why.
     */
    private static void inParallel(java.nio.file.SecureDirectoryStream<Path> parent, int fd, List<Path> folders)
            throws IOException {
        int threads = Math.min(4, Math.min(folders.size(), Runtime.getRuntime().availableProcessors()));
        dev.linkvault.Parallel.forEach(folders, threads, "linkvault-delete", "deleting", f -> {
            if (dev.linkvault.NativeDir.removeTree(fd, f.toString()) != 0) {
                emptyFolder(parent, f);
            }
        });
    }

    /** Where folders cannot be opened relative to each other: a walk, by whole paths. */
    private static void walkDelete(Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void close() throws IOException {
        try {
            blobs.close();
            if (catalog != null) {
                catalog.close();
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
