package dev.linkvault.cli;

import dev.linkvault.maintain.Verifier;
import dev.linkvault.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check that the repository reads back: blobs re-hash to their names, ETag aliases are links"
                + " to blobs, every snapshot tree matches its manifest.",
            "Reports each problem (exit code 1); repairs nothing."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--subset", paramLabel = "P%|K/N", description = {"Re-hash only some blobs: a random percentage"
            + " (5%%), or slice K of N (3/7) so that N runs cover every blob once. Trees are always checked whole."})
    String subset;

    @Override
    public Integer call() throws Exception {
        Verifier.Subset s = subset == null ? Verifier.Subset.all() : Verifier.Subset.parse(subset);
        try (Repository repo = Repository.openForReading(top.repository())) {
            Verifier.Result r = new Verifier(repo).run(s, p -> top.out.println("problem: " + p.where() + ": " + p.what()));
            top.out.println("verify: " + Units.count(r.blobsChecked()) + " blobs re-hashed (" + Units.bytes(r.bytesChecked())
                    + ", subset " + s.text() + "), " + Units.count(r.aliasesChecked()) + " ETag aliases, "
                    + Units.count(r.snapshotsChecked()) + " snapshots (" + Units.count(r.pathsChecked()) + " paths): "
                    + (r.problems() == 0 ? "no problems" : r.problems() + " problems"));
            return r.problems() == 0 ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }
}
