package dev.linkvault.maintain;

import dev.linkvault.TempNames;
import dev.linkvault.repo.BlobId;
import dev.linkvault.repo.BlobStore;
import dev.linkvault.repo.InodeIndex;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.SnapshotSummary;
import dev.linkvault.repo.StoreScan;
import dev.linkvault.source.Entry;
import dev.linkvault.source.Sink;
import dev.linkvault.source.local.LocalSource;
import dev.linkvault.source.PathFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives every unmanaged snapshot tree (one made by nextcloud-s3-backup) a manifest, so that it is
 * a complete linkvault snapshot. Each file's blob is found by its inode; a file that is not a link
 * to any blob (an independent copy) is stored and replaced by a link to the same content. No blob
 * is moved or rewritten.
 */
public final class Adopter {
    private static final String ADOPT_SUFFIX = ".linkvault-adopt";
    private final Repository repo;

    /** What adoption did. */
    public record Result(List<String> adopted, long files, long relinked, long errors) {}

    public Adopter(Repository repo) {
        this.repo = repo;
    }

    public Result adoptUnmanaged(java.util.function.Consumer<String> problems) throws IOException {
        List<String> names = new ArrayList<>();
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            if (s.state() == Repository.State.UNMANAGED) {
                names.add(s.name());
            }
        }
        long[] n = new long[3];
        if (names.isEmpty()) {
            return new Result(names, 0, 0, 0);
        }
        try (InodeIndex blobs = new InodeIndex(repo.tmpDir())) {
            StoreScan.blobs(repo.sha1Dir(), f -> true, f -> {
                if (f.blob() != null) {
                    blobs.addBlob(f.inode(), f.blob(), f.copy());
                }
            });
            blobs.ready();
            for (String name : names) {
                manifest(name, blobs, n, problems);
            }
        }
        return new Result(names, n[0], n[1], n[2]);
    }

    private void manifest(String name, InodeIndex blobs, long[] n, java.util.function.Consumer<String> problems)
            throws IOException {
        Path tree = repo.tree(name);
        Path tmp = repo.manifestsDir().resolve(name + ".tsv.gz.tmp");
        long[] c = new long[5]; // files, dirs, symlinks, bytes, errors
        Instant taken = Files.getLastModifiedTime(tree).toInstant();
        try (Manifest.Writer w = new Manifest.Writer(tmp)) {
            new LocalSource(name, tree, PathFilter.none()).scan(new Sink() {
                @Override
                public void entry(Entry e) {
                    if (e.path().size() < 2) {
                        return; // the snapshot folder itself
                    }
                    String path = String.join("/", e.path().subList(1, e.path().size()));
                    try {
                        switch (e.type()) {
                            case DIR -> {
                                c[1]++;
                                w.item(new Manifest.Item(Manifest.Type.DIR, e.mode(), 0, e.mtime(), null, path, null));
                            }
                            case SYMLINK -> {
                                c[2]++;
                                w.item(new Manifest.Item(Manifest.Type.SYMLINK, e.mode(), e.size(), e.mtime(), null,
                                        path, e.linkTarget()));
                            }
                            case FILE -> {
                                Path file = tree.resolve(path);
                                if (TempNames.isTemp(file.getFileName().toString(), ADOPT_SUFFIX)) {
                                    // a crash between a relink and its rename left it: not a file of the tree
                                    Files.deleteIfExists(file);
                                    return;
                                }
                                c[0]++;
                                c[3] += e.size();
                                BlobId id = blobOf(tree.resolve(path), e, blobs, n);
                                w.item(new Manifest.Item(Manifest.Type.FILE, e.mode(), e.size(), e.mtime(), id.toString(),
                                        path, null));
                            }
                        }
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                }

                @Override
                public void error(List<String> path, String message) {
                    c[4]++;
                    String rel = String.join("/", path.subList(1, path.size()));
                    problems.accept(name + ":" + rel + ": " + message);
                    try {
                        w.error(rel, message);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                }

                @Override
                public void note(List<String> path, String message) {
                    problems.accept(name + ":" + String.join("/", path.subList(1, path.size())) + ": " + message);
                }
            });
            w.finish(new SnapshotSummary(name, taken.toString(), taken.toString(), 0, c[0], c[1], c[2], c[3], 0, 0,
                    0, 0, c[4], false));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        repo.publishManifest(name, tmp);
        repo.catalog().dropSnapshot(name);
        n[0] += c[0];
        n[2] += c[4];
    }

    /** The blob a tree file is a link to; a file that is no link to a blob is stored and relinked. */
    private BlobId blobOf(Path file, Entry e, InodeIndex blobs, long[] n) throws IOException {
        long ino = (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        String known = blobs.blobOf(ino);
        if (known != null) {
            int dot = known.indexOf('.');
            return BlobId.parse(dot < 0 ? known : known.substring(0, dot));
        }
        if (e.size() == 0) {
            return BlobId.EMPTY;
        }
        BlobStore.Put put;
        try (InputStream in = Files.newInputStream(file)) {
            put = repo.blobs().put(in, e.mtime());
        }
        Path link = TempNames.beside(file, ADOPT_SUFFIX);
        Files.deleteIfExists(link);
        repo.blobs().link(put.id(), link);
        Files.move(link, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        n[1]++;
        return put.id();
    }
}
