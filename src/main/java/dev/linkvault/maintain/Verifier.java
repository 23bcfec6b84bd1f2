package dev.linkvault.maintain;

import dev.linkvault.UserError;
import dev.linkvault.repo.BlobId;
import dev.linkvault.repo.ContentHash;
import dev.linkvault.repo.InodeIndex;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.StoreScan;
import dev.linkvault.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a repository still reads back: blobs re-hash to their names, ETag aliases are
 * links to blobs, and every snapshot tree matches its manifest (each path present, of the right
 * kind and size, and a link to its blob, not a replaced file), and no tree holds paths its
 * manifest does not list. Reports; {@link #quarantine} and {@link #repair} mend what can be.
 */
public final class Verifier {
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)%");
    private static final Pattern SLICE = Pattern.compile("(\\d+)/(\\d+)");
    private final Repository repo;

    /** One thing found wrong. */
    public record Problem(String where, String what) {}

    /** What was checked. */
    public record Result(long blobsChecked, long bytesChecked, long aliasesChecked, long snapshotsChecked,
                         long pathsChecked, long problems) {}

    /**
     * Which blobs to re-hash: every one, a random fraction ({@code 5%}), or a fixed slice
     * ({@code 3/7}: fan-out folders whose number modulo 7 is 2, so seven runs with 1/7 ... 7/7
     * cover the store once).
     */
    public record Subset(IntPredicate fanout, double fraction, String text) {
        public static Subset all() {
            return new Subset(f -> true, 1.0, "all");
        }

        public static Subset parse(String s) {
            Matcher p = PERCENT.matcher(s);
            if (p.matches()) {
                double pct = Double.parseDouble(p.group(1));
                if (pct <= 0 || pct > 100) {
                    throw new UserError("--subset " + s + ": give a percentage above 0 and at most 100");
                }
                return new Subset(f -> true, pct / 100, s);
            }
            Matcher m = SLICE.matcher(s);
            if (m.matches()) {
                int k = Integer.parseInt(m.group(1));
                int n = Integer.parseInt(m.group(2));
                if (n < 1 || n > 256 || k < 1 || k > n) {
                    throw new UserError("--subset " + s + ": give K/N with 1 <= K <= N <= 256, for example 3/7");
                }
                return new Subset(f -> f % n == k - 1, 1.0, s);
            }
            throw new UserError("--subset " + s + ": give a percentage (5%) or a slice K/N (3/7)");
        }
    }

    /** What a run counts as it goes. */
    private static final class Tally {
        long blobs;
        long bytes;
        long aliases;
        long snapshots;
        long paths;
        long problems;
    }

    /** What {@link #repair} did: paths relinked, and paths left because their blob is not stored intact. */
    public record Repaired(long relinked, long left) {}

    public Verifier(Repository repo) {
        this.repo = repo;
    }

    /** What {@link #run} found wrong with blobs themselves, for {@link #quarantine}. */
    private final List<StoreScan.StoredFile> damagedBlobs = new ArrayList<>();

    /** The damaged blobs (re-hashed to another content) the last run found. */
    public List<StoreScan.StoredFile> damagedBlobs() {
        return List.copyOf(damagedBlobs);
    }

    /** Blobs and bytes re-hashed so far, then snapshot paths checked, for a progress line (read from another thread). */
    public final java.util.concurrent.atomic.AtomicLong blobsDone = new java.util.concurrent.atomic.AtomicLong();
    public final java.util.concurrent.atomic.AtomicLong bytesDone = new java.util.concurrent.atomic.AtomicLong();
    public final java.util.concurrent.atomic.AtomicLong pathsDone = new java.util.concurrent.atomic.AtomicLong();

    public Result run(Subset subset, Consumer<Problem> out) throws IOException {
        Tally n = new Tally();
        Consumer<Problem> report = p -> {
            n.problems++;
            out.accept(p);
        };
        Set<String> damaged = new HashSet<>();
        damagedBlobs.clear();
        boolean hasAliases = StoreScan.hasAliases(repo.etagDir());
        try (InodeIndex inodes = hasAliases ? new InodeIndex(repo.tmpDir()) : null) {
            StoreScan.blobs(repo.sha1Dir(), f -> true, f -> {
                if (f.blob() == null) {
                    report.accept(new Problem(repo.root().relativize(f.path()).toString(),
                            "not a blob name: a stray file in the store"));
                    return;
                }
                if (inodes != null) {
                    inodes.addBlob(f.inode(), f.blob(), f.copy());
                }
                if (f.writable()) {
                    report.accept(new Problem(repo.root().relativize(f.path()).toString(), String.format(
                            "blob is writable (mode %04o), so a write through any snapshot path would change every"
                            + " snapshot that has it; make it read-only: chmod 0444 %s", f.mode(), f.path())));
                }
                int fan = Integer.parseInt(f.blob().sha1().substring(0, 2), 16);
                if (subset.fanout().test(fan)
                        && (subset.fraction() >= 1.0 || ThreadLocalRandom.current().nextDouble() < subset.fraction())) {
                    String why;
                    try {
                        why = rehash(f.path(), f.blob());
                    } catch (NoSuchFileException gone) {
                        return; // removed since the listing: a gc beside this verify, not damage
                    }
                    n.blobs++;
                    n.bytes += f.size();
                    blobsDone.incrementAndGet();
                    bytesDone.addAndGet(f.size());
                    if (why != null) {
                        damaged.add(f.blob().toString());
                        damagedBlobs.add(f);
                        report.accept(new Problem(repo.root().relativize(f.path()).toString(), why));
                    }
                }
            });
            if (inodes != null) {
                inodes.ready();
                StoreScan.aliases(repo.etagDir(), a -> {
                    n.aliases++;
                    if (inodes.blobOf(a.inode()) == null) {
                        report.accept(new Problem(repo.root().relativize(a.path()).toString(),
                                "ETag alias is not a link to any blob (its blob was replaced or removed)"));
                    }
                });
            }
        }
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            if (s.state() != Repository.State.COMPLETE && s.state() != Repository.State.DAMAGED
                    && s.state() != Repository.State.FAILED) {
                continue;
            }
            n.snapshots++;
            Path tree = repo.tree(s.name());
            long expected = s.summary() == null ? 1024 : s.summary().files() + s.summary().dirs() + s.summary().symlinks();
            PathSet listed = new PathSet(expected);
            long[] missing = {0};
            try {
                Manifest.read(repo.manifest(s.name()), item -> {
                    n.paths++;
                    pathsDone.incrementAndGet();
                    listed.add(item.path());
                    String why = checkPath(tree, item, damaged);
                    if (why != null) {
                        report.accept(new Problem(s.name() + ":" + item.path(), why));
                        if (why.startsWith("missing")) {
                            missing[0]++;
                        }
                    }
                });
            } catch (Manifest.DamagedException e) {
                report.accept(new Problem(s.name(), "manifest is damaged (" + e.getMessage() + "); the snapshot"
                        + " cannot be listed or restored by linkvault, but its tree " + tree + " is still there to copy"
                        + " from (cp -a)"));
                continue;
            } catch (NoSuchFileException gone) {
                n.snapshots--;
                continue; // forgotten since the listing
            }
            extraPaths(s.name(), tree, listed, missing[0], report);
        }
        return new Result(n.blobs, n.bytes, n.aliases, n.snapshots, n.paths, n.problems);
    }

    /**
     * Paths in a snapshot tree that its manifest does not list (added by hand). Memory is fixed:
     * the manifest's paths go into a Bloom filter, so a path it says is absent is surely not
     * listed; the counts tell of any that a false "present" hid.
     */
    private void extraPaths(String snapshot, Path tree, PathSet listed, long missing,
                            Consumer<Problem> report) throws IOException {
        long listedHere = listed.count();
        long[] seen = {0, 0}; // paths in the tree, of them named as extra
        if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            private String rel(Path p) {
                StringBuilder b = new StringBuilder();
                for (Path part : tree.relativize(p)) {
                    if (b.length() > 0) {
                        b.append('/');
                    }
                    b.append(part);
                }
                return b.toString();
            }

            private void one(Path p) {
                if (p.equals(tree)) {
                    return;
                }
                seen[0]++;
                String r = rel(p);
                if (!listed.mightContain(r)) {
                    seen[1]++;
                    report.accept(new Problem(snapshot + ":" + r, "is in the snapshot tree but not in its manifest"
                            + " (added by hand?): restore and export leave it out"));
                }
            }

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                one(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                one(file);
                return FileVisitResult.CONTINUE;
            }
        });
        long unexplained = seen[0] - (listedHere - missing) - seen[1];
        if (unexplained > 0) {
            report.accept(new Problem(snapshot, "its tree holds " + unexplained + " more paths than its manifest lists"
                    + " that could not be named here; compare 'ls -R' with 'linkvault ls -r " + snapshot + "'"));
        }
    }

    /** A Bloom filter of paths, about 1% false positives at the size it was made for. */
    private static final class PathSet {
        private final long[] bits;
        private final long size;
        private long count;

        PathSet(long expected) {
            long want = Math.max(1024, Math.min(expected, 50_000_000L) * 10);
            size = want;
            bits = new long[(int) ((want + 63) / 64)];
        }

        void add(String path) {
            count++;
            long h1 = path.hashCode();
            long h2 = mix(path);
            for (int i = 0; i < 7; i++) {
                long b = Math.floorMod(h1 + i * h2, size);
                bits[(int) (b >>> 6)] |= 1L << (b & 63);
            }
        }

        boolean mightContain(String path) {
            long h1 = path.hashCode();
            long h2 = mix(path);
            for (int i = 0; i < 7; i++) {
                long b = Math.floorMod(h1 + i * h2, size);
                if ((bits[(int) (b >>> 6)] & (1L << (b & 63))) == 0) {
                    return false;
                }
            }
            return true;
        }

        long count() {
            return count;
        }

        private static long mix(String s) {
            long h = 0x9E3779B97F4A7C15L;
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * 0x100000001B3L;
            }
            return h | 1;
        }
    }

    /**
     * Moves damaged blobs out of the store into {@code .data/quarantine/} (needs the writer lock)
     * and forgets their facts: the next snapshot then finds the content missing, reads it again
     * from its source and stores it under its name, good. Snapshot paths keep their (damaged)
     * inode until {@link #repair}.
     *
     * @return how many files were moved
     */
    public static int quarantine(Repository writer, List<StoreScan.StoredFile> damaged) throws IOException {
        int moved = 0;
        for (StoreScan.StoredFile f : damaged) {
            if (writer.blobs().quarantine(f.path(), f.blob(), f.copy() == 0)) {
                moved++;
            }
        }
        writer.catalog().commit();
        return moved;
    }

    /**
     * Relinks every snapshot path that is not a link to its blob (it kept a damaged, quarantined
     * inode, or was replaced by hand) to the stored blob, when that blob re-hashes to its name.
     * Needs the writer lock. Paths whose blob is not stored (yet) are left and counted.
     *
     */
    public Repaired repair(Consumer<Problem> out) throws IOException {
        long[] n = new long[2]; // relinked, left: counted inside the manifest visitor
        Set<String> good = new HashSet<>();
        Set<String> bad = new HashSet<>();
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            if (s.state() != Repository.State.COMPLETE) {
                continue;
            }
            Path tree = repo.tree(s.name());
            Manifest.read(repo.manifest(s.name()), item -> {
                if (item.type() != Manifest.Type.FILE || item.size() == 0) {
                    return;
                }
                String why = checkPath(tree, item, Set.of());
                if (why == null || why.startsWith("missing from the snapshot tree") || why.startsWith("should be")) {
                    return;
                }
                BlobId id = BlobId.parse(item.blob());
                if (!good.contains(item.blob())) {
                    boolean ok = !bad.contains(item.blob()) && repo.blobs().exists(id)
                            && rehash(repo.blobs().path(id), id) == null;
                    (ok ? good : bad).add(item.blob());
                }
                if (!good.contains(item.blob())) {
                    n[1]++;
                    out.accept(new Problem(s.name() + ":" + item.path(), "not repaired: its blob " + item.blob()
                            + " is not stored intact; take a snapshot of the source first, then repair again"));
                    return;
                }
                Path p = RelPath.parse(item.path()).under(tree);
                Path tmp = dev.linkvault.TempNames.beside(p, ".linkvault-repair");
                Files.deleteIfExists(tmp);
                repo.blobs().link(id, tmp);
                Files.move(tmp, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                n[0]++;
                out.accept(new Problem(s.name() + ":" + item.path(), "relinked to its blob " + item.blob()));
            });
        }
        return new Repaired(n[0], n[1]);
    }

    /** Null when the file re-hashes to its blob's name, else what is wrong. */
    private static String rehash(Path file, BlobId id) throws IOException {
        ContentHash h = ContentHash.of(file);
        return h.matches(id) ? null
                : "content does not match its name (SHA-1 now " + h.sha1() + "): damaged, or edited through a snapshot";
    }

    String checkPath(Path tree, Manifest.Item item, Set<String> damaged) throws IOException {
        Path p = RelPath.parse(item.path()).under(tree);
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,ino,size", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return "missing from the snapshot tree";
        }
        int type = (Integer) a.get("mode") & 0170000;
        switch (item.type()) {
            case DIR:
                return type == 0040000 ? null : "should be a folder";
            case SYMLINK:
                if (type != 0120000) {
                    return "should be a symlink";
                }
                return Files.readSymbolicLink(p).toString().equals(item.target()) ? null
                        : "symlink target changed (manifest says " + item.target() + ")";
            default:
                break;
        }
        if (type != 0100000) {
            return "should be a file";
        }
        if ((Long) a.get("size") != item.size()) {
            return "size is " + a.get("size") + ", manifest says " + item.size();
        }
        if (item.size() == 0) {
            return null;
        }
        if (damaged.contains(item.blob())) {
            return "uses blob " + item.blob() + ", which is damaged";
        }
        BlobId id = BlobId.parse(item.blob());
        long ino = (Long) a.get("ino");
        for (int copy = 0; ; copy++) {
            Path candidate = repo.blobs().copyPath(id, copy);
            try {
                if ((Long) Files.getAttribute(candidate, "unix:ino", LinkOption.NOFOLLOW_LINKS) == ino) {
                    return null;
                }
            } catch (NoSuchFileException e) {
                return copy == 0 ? "its blob " + item.blob() + " is missing from the store"
                        : "is not a link to its blob " + item.blob() + " (the file was replaced)";
            }
        }
    }
}
