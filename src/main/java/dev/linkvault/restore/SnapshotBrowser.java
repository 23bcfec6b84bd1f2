package dev.linkvault.restore;

import dev.linkvault.UserError;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.ManifestIndex;
import dev.linkvault.repo.Repository;
import dev.linkvault.RelPath;
import java.io.IOException;
import java.util.function.Consumer;

/** Lists what a snapshot holds, from its manifest (so each path shows its own mtime and mode). */
public final class SnapshotBrowser {
    private final Repository repo;

    public SnapshotBrowser(Repository repo) {
        this.repo = repo;
    }

    /**
     * Streams the entries directly inside {@code ref.path()} (or everything below it when
     * {@code recursive}); a file path lists just that file.
     *
     * @return how many entries were listed
     */
    public long list(SnapshotRef ref, boolean recursive, Consumer<Manifest.Item> out) throws IOException {
        ref = new SnapshotRef(repo.completeSnapshot(ref.snapshot()).name(), ref.path()); // latest, latest~N
        RelPath base = ref.path();
        long[] count = {0};
        boolean[] found = {base.isRoot()};
        repo.readManifest(ref.snapshot(), base, recursive ? ManifestIndex.Scope.SUBTREE : ManifestIndex.Scope.CHILDREN, item -> {
            RelPath p = RelPath.parse(item.path());
            if (p.equals(base)) {
                found[0] = true;
                if (item.type() != Manifest.Type.DIR) {
                    out.accept(item);
                    count[0]++;
                }
            } else if (base.contains(p) && (recursive || p.depth() == base.depth() + 1)) {
                found[0] = true;
                out.accept(item);
                count[0]++;
            }
        });
        if (!found[0]) {
            throw new UserError("snapshot " + ref.snapshot() + " has no path '" + base + "'; list it with: linkvault ls "
                    + ref.snapshot() + (base.parent().isRoot() ? "" : ":" + base.parent()));
        }
        return count[0];
    }
}
