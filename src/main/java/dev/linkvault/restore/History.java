package dev.linkvault.restore;

import dev.linkvault.RelPath;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.ManifestIndex;
import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
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

    public Result of(RelPath path) throws IOException {
        List<Repository.SnapshotInfo> snaps = new ArrayList<>();
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            if (s.state() == Repository.State.COMPLETE || s.state() == Repository.State.FAILED) {
                snaps.add(s);
            }
        }
        snaps.sort(Comparator.comparing((Repository.SnapshotInfo s) -> s.summary().started())
                .thenComparing(Repository.SnapshotInfo::name));
        Map<Key, Version> versions = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        String wanted = path.toString();
        for (Repository.SnapshotInfo s : snaps) {
            repo.readManifest(s.name(), path, ManifestIndex.Scope.PATH, new Manifest.Visitor() {
                @Override
                public void item(Manifest.Item item) {
                    if (item.path().equals(wanted)) {
                        versions.computeIfAbsent(Key.of(item), k -> new Version(item, new ArrayList<>()))
                                .snapshots().add(s.name());
                    }
                }

                @Override
                public void error(String p, String message) {
                    if (Objects.equals(p, wanted)) {
                        errors.put(s.name(), message);
                    }
                }
            });
        }
        return new Result(path, List.copyOf(versions.values()), snaps.size(), errors);
    }
}
