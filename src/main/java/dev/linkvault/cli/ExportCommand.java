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

@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Copy a snapshot (or a path in it) into a folder as plain, independent files.",
            "For targets such as SMB/NFS shares or exFAT disks: no hard links into the repository, mtimes applied,",
            "contents checked against their SHA-1. Run it again to resume: files already there with the",
            "snapshot's size and mtime are skipped.",
            "Example: linkvault --repo /srv/vault export 2026-11-21:mycloud --to /mnt/nas/photos --sanitize-names"})
final class ExportCommand implements Callable<Integer> {
    static final String RENAME_MAP = "linkvault-renames.tsv";

    @ParentCommand
    LinkvaultCommand top;

    @Parameters(paramLabel = "SNAPSHOT[:PATH]", description = "What to export (a whole snapshot without :PATH).")
    String target;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The folder to export into (created if needed).")
    Path to;

    @Option(names = "--sanitize-names", description = "Replace characters Windows/SMB/exFAT refuse (< > : \" \\ | ? *,"
            + " control characters, a trailing dot or space, device names like CON) with '_', tell apart names that"
            + " then meet (also by case) with ~2, ~3; every rename is written to the rename map.")
    boolean sanitize;

    @Option(names = "--rename-map", paramLabel = "FILE", description = "Where --sanitize-names writes 'original TAB"
            + " exported' for each renamed path (default: DIR/" + RENAME_MAP + ").")
    Path renameMap;

    @Option(names = "--workers", paramLabel = "N", description = "Files copied at once (default 4); a network share"
            + " answers each file slowly, several at once hide it.")
    int workers = 4;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || workers > 64) {
            throw new dev.linkvault.UserError("--workers must be from 1 to 64");
        }
        SnapshotRef ref = SnapshotRef.parse(target);
        Path dest = to.toAbsolutePath().normalize();
        Path map = renameMap != null ? renameMap.toAbsolutePath() : dest.resolve(RENAME_MAP);
        try (Repository repo = Repository.openForReading(top.repository());
             ProgressLine status = new ProgressLine(top.err, ProgressLine.onTerminal() && !top.quiet, "export")) {
            Restorer.Progress progress = RestoreCommand.progress(status, top.quiet);
            Restorer.Options options = new Restorer.Options(Restorer.Existing.SKIP_SAME, sanitize, map, true, progress,
                    workers);
            Restorer restorer = new Restorer(repo);
            Restorer.Result r;
            try (OnInterrupt hook = new OnInterrupt(() -> {
                restorer.removeTemporaryFiles();
                status.close();
                top.err.println(OnInterrupt.MESSAGE);
                top.err.flush();
            })) {
                r = restorer.restore(ref, dest, options, (path, message) -> {
                    status.errors.incrementAndGet();
                    status.println("error: " + path + ": " + message);
                });
            }
            status.close();
            top.out.println("exported " + Units.count(r.files()) + " files (" + Units.bytes(r.bytes()) + "), "
                    + Units.count(r.skipped()) + " already there, " + Units.count(r.dirs()) + " folders, "
                    + Units.count(r.symlinks()) + " symlinks from " + ref + " to " + dest
                    + (r.renamed() > 0 ? "; " + Units.count(r.renamed()) + " renamed, listed in " + map : "")
                    + (r.errors() > 0 ? "; " + r.errors() + " errors" : ""));
            return r.errors() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
    }
}
