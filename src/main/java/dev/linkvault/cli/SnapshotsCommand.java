package dev.linkvault.cli;

import dev.linkvault.Units;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.SnapshotSummary;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "snapshots", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"List snapshots: name, state, files, bytes, new bytes, duration.",
            "States: complete; incomplete (interrupted, resumed by the next snapshot run);"
                    + " unmanaged (a tree with no manifest).",
            "Example: linkvault --repo /srv/vault snapshots --json"})
final class SnapshotsCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--json", description = "Print a JSON array on stdout.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Repository repo = Repository.openForReading(top.repository())) {
            List<Repository.SnapshotInfo> all = repo.snapshots();
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ArrayNode arr = m.createArrayNode();
                for (Repository.SnapshotInfo s : all) {
                    ObjectNode o = s.summary() != null ? m.valueToTree(s.summary()) : m.createObjectNode().put("name", s.name());
                    o.put("state", s.state().label());
                    arr.add(o);
                }
                top.out.println(m.writeValueAsString(arr));
                return ExitCodes.OK;
            }
            String fmt = "%-22s %-16s %-19s %12s %10s %10s %9s %7s%n";
            top.out.printf(fmt, "NAME", "STATE", "STARTED", "FILES", "SIZE", "NEW", "DURATION", "ERRORS");
            for (Repository.SnapshotInfo s : all) {
                SnapshotSummary x = s.summary();
                top.out.printf(fmt, s.name(), s.state().label(),
                        x == null ? "-" : Units.localTime(dev.linkvault.Instants.parse(x.started())),
                        x == null ? "-" : Units.count(x.files()), x == null ? "-" : Units.bytes(x.bytes()),
                        x == null ? "-" : Units.bytes(x.newBytes()), x == null ? "-" : Units.duration(x.durationMillis()),
                        x == null ? "-" : Units.count(x.errors()));
            }
            if (all.isEmpty()) {
                top.out.println("(no snapshots yet: take one with linkvault -c FILE snapshot)");
            }
            return ExitCodes.OK;
        }
    }
}
