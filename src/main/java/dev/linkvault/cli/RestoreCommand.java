package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.repo.Repository;
import dev.linkvault.restore.Restorer;
import dev.linkvault.restore.SnapshotRef;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Copy a file or folder out of a snapshot, with its mtime and mode.",
            "The copy is independent of the repository; contents are checked against their SHA-1.",
            "Example: linkvault --repo /srv/vault restore 2026-11-21:docs/report.pdf --to /tmp/out"})
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(paramLabel = "SNAPSHOT[:PATH]", description = "What to restore (a whole snapshot without :PATH).")
    String target;

    @Option(names = {"--to", "--target"}, required = true, paramLabel = "DIR",
            description = "The folder to restore into (created if needed); --target as in restic.")
    Path to;

    @Option(names = "--overwrite", description = {"Replace files that exist at the destination and differ from the"
            + " snapshot (default: leave them, report an error).", "Files an earlier, interrupted run restored"
            + " (same size, mtime and SHA-1) are skipped either way."})
    boolean overwrite;

    @Option(names = "--include", paramLabel = "GLOB", description = {"Take only what matches (any number of times):"
            + " a pattern without / matches a name at any depth (*.pdf), one with / the path from the snapshot's top"
            + " (docs/**/tax/*)."})
    java.util.List<String> include = new java.util.ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out what matches, and all below a folder that does"
            + " (any number of times; patterns as for --include).")
    java.util.List<String> exclude = new java.util.ArrayList<>();

    /**
     * Feeds a progress line from a restore or export: the totals once the manifest is counted,
     * then each file. {@code quiet}: no line at all, and no counting pass for it either.
     */
    static Restorer.Progress progress(ProgressLine status, boolean quiet) {
        if (quiet) {
            return null;
        }
        return new Restorer.Progress() {
            @Override
            public void total(long files, long bytes) {
                status.total(files, bytes);
                status.start();
            }

            @Override
            public void file(long bytes, boolean wasThere) {
                status.files.incrementAndGet();
                status.bytes.addAndGet(bytes);
            }
        };
    }

    @Override
    public Integer call() throws Exception {
        SnapshotRef ref = SnapshotRef.parse(target);
        try (Repository repo = Repository.openForReading(top.repository());
             ProgressLine status = new ProgressLine(top.err, ProgressLine.onTerminal() && !top.quiet, "restore")) {
            Restorer restorer = new Restorer(repo);
            Restorer.Result r;
            try (OnInterrupt hook = new OnInterrupt(() -> {
                restorer.removeTemporaryFiles();
                status.close();
                top.out.flush();
                top.err.println(OnInterrupt.MESSAGE);
                top.err.flush();
            })) {
                Restorer.Options plain = Restorer.Options.restore(overwrite,
                        dev.linkvault.restore.Selection.of(include, exclude));
                r = restorer.restore(ref, to.toAbsolutePath(), plain.with(progress(status, top.quiet)), (path, message) -> {
                    status.errors.incrementAndGet();
                    status.println("error: " + path + ": " + message);
                });
            }
            status.close();
            top.out.println("restored " + Units.count(r.files()) + " files (" + Units.bytes(r.bytes()) + "), "
                    + (r.skipped() > 0 ? Units.count(r.skipped()) + " already there, " : "")
                    + Units.count(r.dirs()) + " folders, " + Units.count(r.symlinks()) + " symlinks from " + ref
                    + " to " + to + (r.errors() > 0 ? "; " + r.errors() + " errors" : ""));
            return r.errors() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
    }
}
