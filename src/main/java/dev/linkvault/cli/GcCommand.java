package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.maintain.GarbageCollector;
import dev.linkvault.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "gc", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Remove blobs no snapshot uses, their ETag aliases, and leftovers of interrupted runs.",
            "Takes the writer lock: a snapshot and a gc never run at once.",
            "Examples: linkvault gc --dry-run; linkvault -v gc"})
final class GcCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = {"-n", "--dry-run"}, description = "Show what would go and how many bytes; remove nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "One JSON object with the figures (and with -v or -n, the files).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Repository repo = top.openWriter("linkvault gc", dryRun)) {
            java.util.List<String> files = new java.util.ArrayList<>();
            GarbageCollector gc = new GarbageCollector(repo);
            GarbageCollector.Result r;
            try (ProgressLine status = new ProgressLine(top.err, ProgressLine.onTerminal() && !top.quiet && !json, "gc")
                    .watch(gc.scanned::get, () -> 0, () -> 0, () -> 0).counting("blobs scanned").start()) {
                r = gc.run(dryRun, (file, size) -> {
                    if (json && (top.verbose || dryRun)) {
                        files.add(repo.root().relativize(file).toString());
                    } else if (top.verbose || dryRun) {
                        status.println(top.out, (dryRun ? "would remove " : "removed ") + repo.root().relativize(file) + " ("
                                + Units.bytes(size) + ")");
                    }
                });
            }
            if (json) {
                java.util.Map<String, Object> o = json(r);
                if (top.verbose || dryRun) {
                    o.put("files", files);
                }
                top.out.println(JsonOut.of(o));
            } else {
                print(top, r);
            }
            return ExitCodes.OK;
        }
    }

    /** The figures as --json prints them. */
    static java.util.Map<String, Object> json(GarbageCollector.Result r) {
        java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("dry_run", r.dryRun());
        o.put("blobs_scanned", r.blobsScanned());
        o.put("blobs_removed", r.blobsRemoved());
        o.put("copies_removed", r.copiesRemoved());
        o.put("aliases_removed", r.aliasesRemoved());
        o.put("bytes_freed", r.bytesFreed());
        o.put("leftovers_removed", r.leftoversRemoved());
        o.put("duration_ms", r.millis());
        return o;
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
