package dev.linkvault.restore;

import dev.linkvault.RelPath;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.ManifestIndex;
import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A path's distinct versions across every snapshot that can be restored from, oldest first.
 * Each snapshot costs one look-up through its manifest's index (a few kB inflated), so 300
 * snapshots of a million files cost about as much as three.
 */
public final class History {
    private final Repository repo;

    public History(Repository repo) {
        this.repo = repo;
    }

    /**
     * One distinct version: what the path was ({@code item} of the first snapshot that had it so),
     * and the snapshots, in time order, that hold it so.
     */
    public record Version(Manifest.Item item, List<String> snapshots) {
        public String first() {
            return snapshots.get(0);
        }

        public String last() {
            return snapshots.get(snapshots.size() - 1);
        }
    }

    /** The path's story: its versions, the snapshots searched, and those where it had an error instead. */
    public record Result(RelPath path, List<Version> versions, int searched, Map<String, String> errors) {}

    /** Two lines describe one version when kind, content, size, mode, mtime and target agree. */
    private record Key(Manifest.Type type, String blob, long size, int mode, java.time.Instant mtime, String target) {
        static Key of(Manifest.Item it) {
            return new Key(it.type(), it.blob(), it.size(), it.mode(), it.mtime(), it.target());
        }
    }

    /** What one snapshot has at the path: its line, and the error it had there, each or both null. */
    private record Hit(Manifest.Item item, String error) {}

    private Hit lookUp(String snapshot, RelPath path, String wanted) throws IOException {
        Manifest.Item[] item = {null};
        String[] error = {null};
        repo.readManifest(snapshot, path, ManifestIndex.Scope.PATH, new Manifest.Visitor() {
            @Override
            public void item(Manifest.Item it) {
                if (it.path().equals(wanted)) {
                    item[0] = it;
                }
            }

            @Override
            public void error(String p, String message) {
                if (Objects.equals(p, wanted)) {
                    error[0] = message;
                }
            }
        });
        return new Hit(item[0], error[0]);
    }

    public Result of(RelPath path) throws IOException {
        List<Repository.SnapshotInfo> snaps = Repository.restorable(repo.snapshots());
        // One look-up per snapshot, on every core: each is a few kB read and inflated.
        List<Hit> hits = new ArrayList<>(java.util.Collections.nCopies(snaps.size(), (Hit) null));
        String wanted = path.toString();
        int threads = Math.max(1, Math.min(snaps.size(), Runtime.getRuntime().availableProcessors()));
        dev.linkvault.Parallel.forEach(java.util.stream.IntStream.range(0, snaps.size()).boxed().toList(), threads,
                "linkvault-history", "reading the history", at -> hits.set(at, lookUp(snaps.get(at).name(), path, wanted)));
        Map<Key, Version> versions = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (int i = 0; i < snaps.size(); i++) {
            Hit h = hits.get(i);
            String name = snaps.get(i).name();
            if (h.item() != null) {
                versions.computeIfAbsent(Key.of(h.item()), k -> new Version(h.item(), new ArrayList<>())).snapshots().add(name);
            }
            if (h.error() != null) {
                errors.put(name, h.error());
            }
        }
        return new Result(path, List.copyOf(versions.values()), snaps.size(), errors);
    }
}
