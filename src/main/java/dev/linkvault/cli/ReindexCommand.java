package dev.linkvault.cli;

import dev.linkvault.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "reindex", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Rebuild the catalog from the repository (it is only a cache), and give each manifest written"
                    + " before manifests had an index its index (ls, restore and history of one path then read a few kB).",
            "Snapshot figures come back from the manifests; what each source file held is learnt again by the"
                    + " next snapshot, which reads unchanged files once more but stores nothing twice.",
            "Example: linkvault --repo /srv/vault reindex"})
final class ReindexCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Override
    public Integer call() throws Exception {
        try (Repository repo = top.openWriter("linkvault reindex")) {
            repo.catalog().clear();
            long n = 0;
            long upgraded = 0;
            for (Repository.SnapshotInfo s : repo.snapshots()) {
                if (s.restorable()) {
                    n++;
                    upgraded += repo.indexManifest(s.name()) ? 1 : 0;
                }
            }
            top.out.println("catalog rebuilt: " + n + " complete snapshots indexed"
                    + (upgraded > 0 ? "; " + upgraded + " manifests of an older version given an index" : ""));
            return ExitCodes.OK;
        }
    }
}
