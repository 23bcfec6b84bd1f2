package dev.linkvault.cli;

import dev.linkvault.Units;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.config.Config;
import dev.linkvault.ingest.Snapshotter;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.SnapshotSummary;
import dev.linkvault.source.Source;
import dev.linkvault.source.Sources;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Take a snapshot of every source in the config.",
            "Unchanged files are not read again; an interrupted snapshot is resumed by running this again.",
            "Examples: linkvault -c /etc/linkvault/vault.yaml snapshot; linkvault snapshot --dry-run"})
final class SnapshotCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Snapshot name (default: today's date by the config's snapshot-name pattern).")
    String name;

    @Option(names = "--workers", paramLabel = "N", description = "Files handled in parallel (default: config, else 4).")
    Integer workers;

    @Option(names = "--allow-shrink", description = {"Accept, this once, a source that has far fewer files than in the"
            + " last complete snapshot (see shrink-guard in the config)."})
    boolean allowShrink;

    @Option(names = "--json", description = "Print the summary as JSON on stdout.")
    boolean json;

    @Option(names = "--report-orphans", description = "Afterwards, list stored bytes no name refers to"
            + " (for nextcloud: objects that no oc_filecache row has), one 'orphan' line each on stderr.")
    boolean reportOrphans;

    @Option(names = {"-n", "--dry-run"}, description = "Scan the sources as a snapshot would and say what it would read"
            + " and store; read no content, take no lock, write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        Config config = top.requireConfig();
        if (dryRun) {
            return dryRun(config);
        }
        if (config.notification() != null) {
            top.notifier = new Notifier(config.notification(), top.err);
            top.notifier.started();
        }
        int n = workers != null ? workers : config.workers() > 0 ? config.workers() : 4;
        if (n < 1 || n > 256) {
            throw new dev.linkvault.UserError("--workers must be from 1 to 256");
        }
        List<Source> sources = new java.util.ArrayList<>();
        boolean live = ProgressLine.onTerminal() && !json;
        AtomicBoolean cancel = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        // On SIGINT/SIGTERM the JVM runs this hook: ask the run to stop, give it time to leave the
        // repository consistent and say so, then exit with the one documented code for both signals.
        Thread hook = new Thread(() -> {
            cancel.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            top.err.flush();
            top.out.flush();
            Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
        }, "linkvault-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Repository repo = top.openWriter("linkvault snapshot");
             SnapshotProgress progress = new SnapshotProgress(top.err, live, json, top.quiet, top.verbose)) {
            for (var c : config.sources()) {
                sources.add(Sources.create(c, n, repo.tmpDir(), repo.root(), top.withConfig()));
            }
            Snapshotter snapshotter = new Snapshotter(repo, Clock.systemDefaultZone(), progress);
            progress.watch(snapshotter.counters());
            Snapshotter.Result r = snapshotter.run(sources,
                    new Snapshotter.Options(name, config.snapshotName(), ZoneId.systemDefault(), n, config.maxErrorRatio(),
                            allowShrink ? 0 : config.shrinkGuard()), cancel);
            progress.close();
            if (r.interrupted()) {
                top.err.println("snapshot " + r.name() + " interrupted; run the same command again to finish it"
                        + " (what is stored is kept)");
                return ExitCodes.INTERRUPTED;
            }
            SnapshotSummary s = r.summary();
            top.runSummary = s;
            if (r.alreadyComplete()) {
                top.err.println("note: snapshot " + r.name() + " was already complete: its run had published it and"
                        + " was stopped just before the last rename, which this run did");
            }
            if (reportOrphans) {
                long[] orphans = {0};
                for (Source src : sources) {
                    src.reportOrphans(line -> {
                        orphans[0]++;
                        top.err.println("orphan: " + line);
                    });
                }
                top.err.println(orphans[0] + " orphans found");
            }
            if (json) {
                top.out.println(new ObjectMapper().writeValueAsString(s));
            } else {
                top.out.println("snapshot " + s.name() + (s.failed() ? " failed: " : " complete: ") + Units.count(s.files()) + " files ("
                        + Units.bytes(s.bytes()) + "), " + Units.count(s.filesRead()) + " read, "
                        + Units.count(s.newBlobs()) + " new blobs (" + Units.bytes(s.newBytes()) + "), "
                        + s.errors() + " errors, " + Units.duration(s.durationMillis()));
            }
            if (s.failed()) {
                top.err.println("linkvault: snapshot " + s.name() + " failed: " + s.errors() + " of " + (s.files()
                        + s.errors()) + " files had errors (more than max-error-ratio " + config.maxErrorRatio()
                        + "); it is kept as 'failed', which forget never counts as a keeper; fix the cause named"
                        + " above and run snapshot again");
                return ExitCodes.FATAL;
            }
            return s.errors() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
        } finally {
            sources.forEach(Source::close);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it was a signal
            }
        }
    }

    /** What a snapshot would do, from a scan and the catalog: nothing is read, locked or written. */
    private int dryRun(Config config) throws Exception {
        java.nio.file.Path scratch = java.nio.file.Files.createTempDirectory("linkvault-dry-run-");
        long errors = 0;
        try (Repository repo = Repository.openForReading(top.repository())) {
            for (var c : config.sources()) {
                try (Source s = Sources.create(c, 4, scratch, repo.root(), top.withConfig())) {
                    s.listOnly();
                    try {
                        s.check();
                    } catch (java.io.IOException e) {
                        throw new dev.linkvault.UserError(e.getMessage() + "; fix the source's settings in the config", e);
                    }
                    dev.linkvault.ingest.Preflight.SourceReport r = dev.linkvault.ingest.Preflight.scan(s, repo, "", null);
                    errors += r.errors();
                    top.out.println("dry run: source " + r.name() + ": " + Units.count(r.files()) + " files and symlinks ("
                            + Units.bytes(r.bytes()) + "), " + Units.count(r.dirs()) + " folders; would read "
                            + Units.count(r.toRead()) + " files (" + Units.bytes(r.toReadBytes()) + "), at most that much"
                            + " new to store; " + r.errors() + " errors");
                    for (String e : r.errorExamples()) {
                        top.err.println("error: " + e);
                    }
                }
            }
        } finally {
            Repository.deleteTree(scratch);
        }
        top.out.println("dry run: nothing was read, locked or written");
        return errors > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }
}
