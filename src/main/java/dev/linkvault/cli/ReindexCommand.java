package dev.linkvault.cli;

import dev.linkvault.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "reindex", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Rebuild the catalog from the repository (it is only a cache).",
            "Snapshot figures come back from the manifests; what each source file held is learnt again by the"
                    + " next snapshot, which reads unchanged files once more but stores nothing twice."})
final class ReindexCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Override
    public Integer call() throws Exception {
        try (Repository repo = top.openWriter("linkvault reindex")) {
            repo.catalog().clear();
            long n = repo.snapshots().stream().filter(s -> s.state() == Repository.State.COMPLETE).count();
            top.out.println("catalog rebuilt: " + n + " complete snapshots indexed");
            return ExitCodes.OK;
        }
    }
}
