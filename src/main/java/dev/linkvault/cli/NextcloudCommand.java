package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.UserError;
import dev.linkvault.config.Config;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.s3.S3Clients;
import dev.linkvault.source.nextcloud.NextcloudCheck;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "nextcloud", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"What only a Nextcloud source has.", "Example: linkvault -c vault.yaml nextcloud check"},
        subcommands = {NextcloudCommand.Check.class})
final class NextcloudCommand implements Runnable {
    @ParentCommand
    LinkvaultCommand top;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a nextcloud command is needed: check (see linkvault nextcloud --help)");
    }

    @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"The bucket against the database, downloading nothing: objects without a row (orphans, with"
                    + " size and age), rows without an object, rows whose size is not the object's, uploads (.part)"
                    + " older than a day, encrypted rows; per mapping and in total. Read-only on both sides.",
                "Exit 0: consistent; 1: something to look at (listed). Run it before cleaning a bucket by hand.",
                "Example: linkvault -c vault.yaml nextcloud check --json > report.json"})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        NextcloudCommand parent;

        @Option(names = "--source", paramLabel = "NAME", description = "Only this source (default: every nextcloud source).")
        String source;

        @Option(names = "--json", description = "One JSON object per source: mappings and buckets with every finding.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            LinkvaultCommand top = parent.top;
            Config config = top.requireConfig();
            List<SourceConfig.Nextcloud> sources = new ArrayList<>();
            for (SourceConfig s : config.sources()) {
                if (s instanceof SourceConfig.Nextcloud n && (source == null || n.name().equals(source))) {
                    sources.add(n);
                }
            }
            if (sources.isEmpty()) {
                throw new UserError(source == null ? "config " + config.file() + " has no nextcloud source"
                        : "config " + config.file() + " has no nextcloud source named '" + source + "'");
            }
            long problems = 0;
            for (SourceConfig.Nextcloud n : sources) {
                NextcloudCheck.Report r = new NextcloudCheck(n, () -> S3Clients.create(n.s3(), 4), Instant.now())
                        .run(Path.of(System.getProperty("java.io.tmpdir")));
                problems += r.problems();
                if (json) {
                    top.out.println(JsonOut.of(r));
                } else {
                    print(top, r);
                }
            }
            return problems == 0 ? ExitCodes.OK : ExitCodes.PARTIAL;
        }

        private static void print(LinkvaultCommand top, NextcloudCheck.Report r) {
            top.out.println("nextcloud check of source '" + r.source() + "':");
            int shown = 20;
            for (NextcloudCheck.MappingReport m : r.mappings()) {
                top.out.println("  mapping " + m.as() + ": " + Units.count(m.rows()) + " rows (" + Units.bytes(m.bytes())
                        + "): " + m.missing() + " without an object, " + m.sizeDiffers() + " with another size than the"
                        + " object's, " + m.staleUploads() + " uploads older than a day, " + m.encrypted() + " encrypted"
                        + (m.encrypted() > 0 ? " (" + Units.bytes(m.encryptedBytes()) + ")" : ""));
                m.findings().stream().limit(shown).forEach(f -> top.out.println("    " + f.where() + ": " + f.what()));
                if (m.findings().size() > shown) {
                    top.out.println("    ... and " + (m.findings().size() - shown) + " more (--json lists them)");
                }
            }
            long orphans = 0;
            long orphanBytes = 0;
            for (NextcloudCheck.BucketReport b : r.buckets()) {
                orphans += b.orphans();
                orphanBytes += b.orphanBytes();
                top.out.println("  bucket " + b.bucket() + ": " + Units.count(b.objects()) + " objects ("
                        + Units.bytes(b.bytes()) + "), " + b.orphans() + " without a row (" + Units.bytes(b.orphanBytes())
                        + (b.oldestOrphan() == null ? "" : ", the oldest of " + b.oldestOrphan()) + ")");
                b.findings().stream().limit(shown).forEach(f -> top.out.println("    " + f.where() + " (" + Units.bytes(f.size())
                        + "): " + f.what()));
                if (b.findings().size() > shown) {
                    top.out.println("    ... and " + (b.findings().size() - shown) + " more (--json lists them)");
                }
            }
            long missing = r.mappings().stream().mapToLong(NextcloudCheck.MappingReport::missing).sum();
            long sizes = r.mappings().stream().mapToLong(NextcloudCheck.MappingReport::sizeDiffers).sum();
            long uploads = r.mappings().stream().mapToLong(NextcloudCheck.MappingReport::staleUploads).sum();
            long encrypted = r.mappings().stream().mapToLong(NextcloudCheck.MappingReport::encrypted).sum();
            top.out.println("  total: " + missing + " rows without an object, " + sizes + " size mismatches, " + orphans
                    + " orphan objects (" + Units.bytes(orphanBytes) + "), " + uploads + " stale uploads, " + encrypted
                    + " encrypted rows");
        }
    }
}
