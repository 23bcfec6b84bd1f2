package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.maintain.Stats;
import dev.linkvault.repo.Repository;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Blobs and bytes stored, what the snapshots would take without deduplication, and each snapshot's new bytes.",
            "Example: linkvault --repo /srv/vault stats"})
final class StatsCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Repository repo = Repository.openForReading(top.repository())) {
            Stats.Result s = Stats.of(repo);
            if (json) {
                top.out.println(JsonOut.of(s));
                return ExitCodes.OK;
            }
            top.out.println("blobs:            " + Units.count(s.blobs()) + (s.copies() > 0 ? " (+" + s.copies()
                    + " overflow copies)" : ""));
            top.out.println("stored:           " + Units.bytes(s.storedBytes()));
            top.out.println("without dedup:    " + Units.bytes(s.logicalBytes()));
            top.out.println("dedup ratio:      " + String.format(Locale.ROOT, "%.2f", s.dedupRatio()));
            top.out.printf("%n%-22s %12s %10s %10s%n", "SNAPSHOT", "FILES", "SIZE", "NEW");
            for (Stats.PerSnapshot p : s.snapshots()) {
                top.out.printf("%-22s %12s %10s %10s%n", p.name(), Units.count(p.files()), Units.bytes(p.bytes()),
                        Units.bytes(p.newBytes()));
            }
            return ExitCodes.OK;
        }
    }
}
