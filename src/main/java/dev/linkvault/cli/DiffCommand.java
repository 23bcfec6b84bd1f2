package dev.linkvault.cli;

import dev.linkvault.Units;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.RelPath;
import dev.linkvault.UserError;
import dev.linkvault.repo.Repository;
import dev.linkvault.restore.Differ;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"What changed from snapshot A to snapshot B: + added, - removed, M content, T kind,"
                + " U mode or mtime; counts and bytes at the end.",
            "Example: linkvault diff latest~1 latest docs/reports"})
final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(index = "0", paramLabel = "A", description = "The older snapshot (latest~N works).")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "The newer snapshot.")
    String b;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PATH", description = "Only below this path.")
    String path;

    @Option(names = "--json", description = "One JSON object per change, then one with the totals.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        RelPath base;
        try {
            base = RelPath.parse(path == null ? "" : path);
        } catch (dev.linkvault.BadNameException e) {
            throw new UserError("path '" + path + "': " + e.getMessage());
        }
        ObjectMapper m = new ObjectMapper();
        try (Repository repo = Repository.openForReading(top.repository())) {
            Differ.Totals t = new Differ(repo).diff(a, b, base, c -> {
                if (json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("change", String.valueOf(c.what()));
                    o.put("path", c.path());
                    o.put("type", c.type().name().toLowerCase());
                    o.put("size", c.size());
                    if (c.detail() != null) {
                        o.put("detail", c.detail());
                    }
                    top.out.println(m.writeValueAsString(o));
                } else {
                    top.out.println(c.what() + " " + RelPath.display(java.util.List.of(c.path()))
                            + (c.type() == dev.linkvault.repo.Manifest.Type.DIR ? "/" : "")
                            + (c.detail() == null ? "" : "  (" + c.detail() + ")"));
                }
            });
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("added", t.added());
                o.put("removed", t.removed());
                o.put("changed", t.changed());
                o.put("metadata_changed", t.metadata());
                o.put("added_bytes", t.addedBytes());
                o.put("removed_bytes", t.removedBytes());
                top.out.println(m.writeValueAsString(o));
            } else {
                top.out.println("diff " + a + " " + b + ": " + Units.count(t.added()) + " added ("
                        + Units.bytes(t.addedBytes()) + "), " + Units.count(t.removed()) + " removed ("
                        + Units.bytes(t.removedBytes()) + "), " + Units.count(t.changed()) + " changed, "
                        + Units.count(t.metadata()) + " with other mode or mtime");
            }
        }
        return ExitCodes.OK;
    }
}
