package dev.linkvault.restore;

import dev.linkvault.RelPath;
import dev.linkvault.UserError;
import dev.linkvault.repo.BlobId;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.ManifestIndex;
import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A snapshot path's bytes on a stream: a file as its bytes, a folder as a tar stream (POSIX/PAX:
 * any name length, exact mtimes, modes), every file checked against its SHA-1 as it goes. Reads
 * the manifest once, in its order; memory stays flat.
 */
public final class Dumper {
    private final Repository repo;

    /** What was written: files, and whether it was a tar stream. */
    public record Result(long files, boolean tar) {}

    public Dumper(Repository repo) {
        this.repo = repo;
    }

    public Result dump(SnapshotRef ref, OutputStream out) throws IOException {
        String name = repo.completeSnapshot(ref.snapshot()).name();
        Path tree = repo.tree(name);
        RelPath base = ref.path();
        Manifest.Item[] single = {null};
        boolean[] folder = {base.isRoot()};
        repo.readManifest(name, base, ManifestIndex.Scope.PATH, item -> {
            RelPath p = RelPath.parse(item.path());
            if (p.equals(base)) {
                if (item.type() == Manifest.Type.DIR) {
                    folder[0] = true;
                } else {
                    single[0] = item;
                }
            }
        });
        if (single[0] != null) {
            Manifest.Item it = single[0];
            if (it.type() == Manifest.Type.SYMLINK) {
                throw new UserError(ref + " is a symlink to " + it.target() + "; dump its target, or restore it");
            }
            copyChecked(base.under(tree), it, out);
            out.flush();
            return new Result(1, false);
        }
        if (!folder[0]) {
            throw new UserError("snapshot " + name + " has no path '" + base + "'; list it with: linkvault ls " + name);
        }
        int strip = base.isRoot() ? 0 : base.depth() - 1;
        long[] files = {0};
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosing(out));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        repo.readManifest(name, base, ManifestIndex.Scope.SUBTREE, item -> {
            RelPath p = RelPath.parse(item.path());
            String entryName = String.join("/", p.parts().subList(strip, p.depth()));
            TarArchiveEntry e = switch (item.type()) {
                case DIR -> new TarArchiveEntry(entryName + "/");
                case SYMLINK -> {
                    TarArchiveEntry l = new TarArchiveEntry(entryName, TarConstants.LF_SYMLINK);
                    l.setLinkName(item.target());
                    yield l;
                }
                case FILE -> {
                    TarArchiveEntry f = new TarArchiveEntry(entryName);
                    f.setSize(item.size());
                    yield f;
                }
            };
            e.setMode(item.mode() | (item.type() == Manifest.Type.DIR ? 040000 : item.type() == Manifest.Type.SYMLINK
                    ? 0120000 : 0100000));
            e.setLastModifiedTime(FileTime.from(item.mtime()));
            tar.putArchiveEntry(e);
            if (item.type() == Manifest.Type.FILE) {
                copyChecked(p.under(tree), item, tar);
                files[0]++;
            }
            tar.closeArchiveEntry();
        });
        tar.finish();
        out.flush();
        return new Result(files[0], true);
    }

    /**
     * Copies a snapshot file to {@code out}, checking it against its SHA-1, always one buffer
     * behind: the last 256 kB go out only once the whole file matched, so a damaged file is never
     * delivered whole (a web download ends short of its Content-Length). A damaged or missing
     * file is a {@link UserError}.
     */
    public static void copyChecked(Path file, Manifest.Item item, OutputStream out) throws IOException {
        MessageDigest sha1 = dev.linkvault.Digests.of("SHA-1");
        byte[] held = new byte[256 * 1024];
        byte[] next = new byte[256 * 1024];
        int heldLength = 0;
        long n = 0;
        try (InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            int r;
            while ((r = in.readNBytes(next, 0, next.length)) > 0) {
                sha1.update(next, 0, r);
                n += r;
                if (heldLength > 0) {
                    out.write(held, 0, heldLength);
                }
                byte[] t = held;
                held = next;
                next = t;
                heldLength = r;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(item.path() + " is missing from the snapshot tree; run verify");
        }
        String got = HexFormat.of().formatHex(sha1.digest());
        if (n != item.size() || !BlobId.parse(item.blob()).sha1().equals(got)) {
            throw new UserError(item.path() + " is damaged in the snapshot (SHA-1 " + got + ", the manifest says "
                    + item.blob() + "): the bytes written are not the snapshot's; run verify");
        }
        if (heldLength > 0) {
            out.write(held, 0, heldLength);
        }
    }

    /** The caller's stream stays open: it is stdout. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
