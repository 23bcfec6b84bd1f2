package dev.linkvault.maintain;

import dev.linkvault.UserError;
import dev.linkvault.repo.BlobId;
import dev.linkvault.repo.ContentHash;
import dev.linkvault.repo.InodeIndex;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.StoreScan;
import dev.linkvault.source.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
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
 * kind and size, and a link to its blob, not a replaced file). Reports; never repairs.
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

    public Verifier(Repository repo) {
        this.repo = repo;
    }

    public Result run(Subset subset, Consumer<Problem> out) throws IOException {
        long[] n = new long[6]; // blobs, bytes, aliases, snapshots, paths, problems
        Consumer<Problem> report = p -> {
            n[5]++;
            out.accept(p);
        };
        Set<String> damaged = new HashSet<>();
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
                int fan = Integer.parseInt(f.blob().sha1().substring(0, 2), 16);
                if (subset.fanout().test(fan)
                        && (subset.fraction() >= 1.0 || ThreadLocalRandom.current().nextDouble() < subset.fraction())) {
                    n[0]++;
                    n[1] += f.size();
                    String why = rehash(f.path(), f.blob());
                    if (why != null) {
                        damaged.add(f.blob().toString());
                        report.accept(new Problem(repo.root().relativize(f.path()).toString(), why));
                    }
                }
            });
            if (inodes != null) {
                inodes.ready();
                StoreScan.aliases(repo.etagDir(), a -> {
                    n[2]++;
                    if (inodes.blobOf(a.inode()) == null) {
                        report.accept(new Problem(repo.root().relativize(a.path()).toString(),
                                "ETag alias is not a link to any blob (its blob was replaced or removed)"));
                    }
                });
            }
        }
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            if (s.state() != Repository.State.COMPLETE) {
                continue;
            }
            n[3]++;
            Path tree = repo.tree(s.name());
            Manifest.read(repo.manifest(s.name()), item -> {
                n[4]++;
                String why = checkPath(tree, item, damaged);
                if (why != null) {
                    report.accept(new Problem(s.name() + ":" + item.path(), why));
                }
            });
        }
        return new Result(n[0], n[1], n[2], n[3], n[4], n[5]);
    }

    /** Null when the file re-hashes to its blob's name, else what is wrong. */
    private static String rehash(Path file, BlobId id) throws IOException {
        ContentHash h = ContentHash.of(file);
        return h.matches(id) ? null
                : "content does not match its name (SHA-1 now " + h.sha1() + "): damaged, or edited through a snapshot";
    }

    private String checkPath(Path tree, Manifest.Item item, Set<String> damaged) throws IOException {
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
