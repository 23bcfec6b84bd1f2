package dev.linkvault.restore;

import dev.linkvault.UserError;
import dev.linkvault.repo.ContentHash;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.source.RelPath;
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
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Copies a file or folder out of a snapshot into a plain, independent tree: contents checked
 * against their SHA-1 on the way, each path's own mtime and mode applied from the manifest.
 * A file appears at its final name only once complete (written beside it, then renamed).
 */
public final class Restorer {
    private final Repository repo;

    /** What a restore did. */
    public record Result(long files, long dirs, long symlinks, long bytes, long errors) {}

    /** Where per-path problems go; each one counts as an error. */
    public interface Problems {
        void error(String path, String message);
    }

    public Restorer(Repository repo) {
        this.repo = repo;
    }

    public Result restore(SnapshotRef ref, Path to, boolean overwrite, Problems problems) throws IOException {
        repo.completeSnapshot(ref.snapshot());
        Path tree = repo.tree(ref.snapshot());
        RelPath base = ref.path();
        int strip = base.isRoot() ? 0 : base.depth() - 1;
        if (Files.exists(to) && !Files.isDirectory(to)) {
            throw new UserError("--to " + to + " is a file; give a folder to restore into");
        }
        Files.createDirectories(to);
        Path realTo = to.toRealPath();
        long[] n = new long[5];
        Manifest.read(repo.manifest(ref.snapshot()), item -> {
            RelPath p = RelPath.parse(item.path());
            if (!base.contains(p)) {
                return;
            }
            Path target = RelPath.of(p.parts().subList(strip, p.depth())).under(realTo);
            try {
                switch (item.type()) {
                    case DIR -> {
                        makeDirs(target, realTo);
                        n[1]++;
                    }
                    case FILE -> {
                        makeDirs(target.getParent(), realTo);
                        copy(p.under(tree), target, item, overwrite);
                        n[0]++;
                        n[3] += item.size();
                    }
                    case SYMLINK -> {
                        makeDirs(target.getParent(), realTo);
                        symlink(target, item, overwrite);
                        n[2]++;
                    }
                }
            } catch (IOException e) {
                n[4]++;
                problems.error(p.toString(), e.getMessage());
            }
        });
        if (n[0] + n[1] + n[2] + n[4] == 0) {
            throw new UserError("snapshot " + ref.snapshot() + " has no path '" + base + "'; list it with: linkvault ls "
                    + ref.snapshot());
        }
        // Folders last: writing into a folder changes its mtime, and a read-only mode would stop the writes.
        Manifest.read(repo.manifest(ref.snapshot()), item -> {
            RelPath p = RelPath.parse(item.path());
            if (item.type() == Manifest.Type.DIR && base.contains(p)) {
                Path target = RelPath.of(p.parts().subList(strip, p.depth())).under(realTo);
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(target, permissions(item.mode()));
                    Files.setLastModifiedTime(target, FileTime.from(item.mtime()));
                }
            }
        });
        return new Result(n[0], n[1], n[2], n[3], n[4]);
    }

    private static void makeDirs(Path dir, Path realTo) throws IOException {
        Files.createDirectories(dir);
        if (!dir.toRealPath().startsWith(realTo)) {
            throw new IOException("folder " + dir + " leads outside " + realTo + " through a symlink; not written");
        }
    }

    private static void copy(Path from, Path target, Manifest.Item item, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(target + " exists; give --overwrite to replace it");
        }
        Path tmp = target.resolveSibling("." + target.getFileName() + ".linkvault-restore");
        MessageDigest sha1 = ContentHash.digest("SHA-1");
        try {
            try (InputStream in = Files.newInputStream(from);
                 OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                         StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[256 * 1024];
                int r;
                while ((r = in.read(buf)) > 0) {
                    sha1.update(buf, 0, r);
                    out.write(buf, 0, r);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IOException("missing from the snapshot tree; run verify");
            }
            String got = HexFormat.of().formatHex(sha1.digest());
            if (!item.blob().startsWith(got)) {
                throw new IOException("damaged in the snapshot (SHA-1 " + got + ", manifest says " + item.blob()
                        + "); not restored, run verify");
            }
            Files.setPosixFilePermissions(tmp, permissions(item.mode()));
            Files.setLastModifiedTime(tmp, FileTime.from(item.mtime()));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void symlink(Path target, Manifest.Item item, boolean overwrite) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
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
