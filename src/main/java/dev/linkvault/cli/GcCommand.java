package dev.linkvault.cli;

import dev.linkvault.maintain.GarbageCollector;
import dev.linkvault.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "gc", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Remove blobs no snapshot uses, their ETag aliases, and leftovers of interrupted runs.",
            "Takes the writer lock: a snapshot and a gc never run at once."})
final class GcCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = {"-n", "--dry-run"}, description = "Show what would go and how many bytes; remove nothing.")
    boolean dryRun;

    @Option(names = {"-v", "--verbose"}, description = "Name each blob removed.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        try (Repository repo = top.openWriter("linkvault gc", dryRun)) {
            GarbageCollector.Result r = new GarbageCollector(repo).run(dryRun, (file, size) -> {
                if (verbose || dryRun) {
                    top.out.println((dryRun ? "would remove " : "removed ") + repo.root().relativize(file) + " ("
                            + Units.bytes(size) + ")");
                }
            });
            print(top, r);
            return ExitCodes.OK;
        }
    }

    static void print(LinkvaultCommand top, GarbageCollector.Result r) {
        top.out.println((r.dryRun() ? "gc dry run: " : "gc: ") + Units.count(r.blobsScanned()) + " blobs scanned, "
                + Units.count(r.blobsRemoved()) + (r.dryRun() ? " would be removed" : " removed")
                + (r.copiesRemoved() > 0 ? " (+" + r.copiesRemoved() + " overflow copies)" : "")
                + (r.aliasesRemoved() > 0 ? " with " + r.aliasesRemoved() + " ETag aliases" : "") + ", "
                + Units.bytes(r.bytesFreed()) + (r.dryRun() ? " to free" : " freed") + ", "
                + r.leftoversRemoved() + " leftovers of interrupted runs" + (r.dryRun() ? " would be" : "") + " removed, " + Units.duration(r.millis()));
    }
}
