package dev.linkvault.cli;

import dev.linkvault.RelPath;
import dev.linkvault.repo.Repository;
import dev.linkvault.restore.Selection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "find", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Paths that match a glob in every complete snapshot (or one), with the snapshots they are in.",
            "A pattern without / matches a name at any depth; one with / the path from the snapshot's top.",
            "Examples: linkvault find '*.pdf'; linkvault find 'docs/**/tax/*' --snapshot latest"})
final class FindCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(paramLabel = "PATTERN", description = "A glob: *.pdf, docs/**/tax/*")
    String pattern;

    @Option(names = "--snapshot", paramLabel = "SNAPSHOT", description = "Only this snapshot (latest, latest~N work).")
    String snapshot;

    @Option(names = "--json", description = "One JSON object per path: path, type, snapshots (the names).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Selection glob = Selection.of(List.of(pattern), List.of());
        try (Repository repo = Repository.openForReading(top.repository())) {
            List<String> names = new ArrayList<>();
            if (snapshot != null) {
                names.add(repo.completeSnapshot(snapshot).name());
            } else {
                for (Repository.SnapshotInfo s : repo.snapshots()) {
                    if (s.state() == Repository.State.COMPLETE) {
                        names.add(s.name());
                    }
                }
            }
            // only the matches are held: path -> the snapshots it is in, in snapshot order
            Map<String, List<String>> found = new LinkedHashMap<>();
            Map<String, String> types = new java.util.HashMap<>();
            for (String name : names) {
                repo.readManifest(name, item -> {
                    if (glob.includesItself(RelPath.parse(item.path()))) {
                        if (json) {
                            types.putIfAbsent(item.path(), JsonOut.type(item.type()));
                            found.computeIfAbsent(item.path(), k -> new ArrayList<>()).add(name);
                            return;
                        }
                        found.computeIfAbsent(item.path() + (item.type() == dev.linkvault.repo.Manifest.Type.DIR ? "/"
                                : ""), k -> new ArrayList<>()).add(name);
                    }
                });
            }
            for (Map.Entry<String, List<String>> e : found.entrySet()) {
                List<String> in = e.getValue();
                if (json) {
                    top.out.println(JsonOut.of(JsonOut.obj("path", e.getKey(), "type", types.get(e.getKey()), "snapshots", in)));
                    continue;
                }
                top.out.println(RelPath.display(List.of(e.getKey())) + "  (" + (in.size() == 1 ? "in " + in.get(0)
                        : "in " + in.size() + " snapshots, first " + in.get(0) + ", last " + in.get(in.size() - 1)) + ")");
            }
            if (found.isEmpty()) {
                top.err.println("nothing matches " + pattern + " in " + names.size() + " snapshots");
                return ExitCodes.PARTIAL;
            }
            return ExitCodes.OK;
        }
    }
}
