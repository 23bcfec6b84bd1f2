package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.BadNameException;
import dev.linkvault.RelPath;
import dev.linkvault.UserError;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.restore.History;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Every distinct version of a path across all snapshots, oldest first: the first and last"
                + " snapshot that hold it so, how many do, its size, mtime and SHA-1.",
            "PATH is source/path as in ls, or a real path inside a snapshot's tree.",
            "Examples: linkvault history docs/tax/2025.pdf; linkvault history /srv/vault/snapshots/2026-11-21/docs/a.txt"})
final class HistoryCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(paramLabel = "PATH", description = "source/path, or a path in a snapshot tree.")
    String path;

    @Option(names = "--json", description = "One JSON object: the path, its versions (with the snapshots of each), errors.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Repository repo = Repository.openForReading(top.repository())) {
            RelPath p = inVault(repo, path);
            History.Result h = new History(repo).of(p);
            if (json) {
                top.out.println(JsonOut.of(toJson(h)));
            } else {
                print(h);
            }
            if (h.versions().isEmpty()) {
                top.err.println("no snapshot of the " + h.searched() + " searched has '" + p + "'; look for it with:"
                        + " linkvault find '" + p.name().replace("'", "'\\''") + "'");
                return ExitCodes.PARTIAL;
            }
            return ExitCodes.OK;
        }
    }

    /** source/path as typed, or the part after snapshots/NAME/ of a real path inside the repository. */
    static RelPath inVault(Repository repo, String typed) throws java.io.IOException {
        Path fs = Path.of(typed);
        if (fs.isAbsolute() || Files.exists(fs, LinkOption.NOFOLLOW_LINKS)) {
            Path abs = fs.toAbsolutePath().normalize();
            Path parent = abs.getParent() == null ? abs : abs.getParent();
            // the folders on the way may be symlinks (a mount point, /srv -> /data); the last name is the path's own
            Path real = Files.exists(parent) ? parent.toRealPath().resolve(abs.getFileName().toString()) : abs;
            Path snaps = repo.snapshotsDir().toRealPath();
            if (real.startsWith(snaps) && real.getNameCount() > snaps.getNameCount() + 1) {
                Path rest = real.subpath(snaps.getNameCount() + 1, real.getNameCount());
                List<String> parts = new ArrayList<>();
                rest.forEach(c -> parts.add(c.toString()));
                return RelPath.of(parts);
            }
            if (fs.isAbsolute()) {
                throw new UserError(typed + " is not inside a snapshot of " + repo.root() + " (" + snaps
                        + "/NAME/...); give source/path, as ls shows it");
            }
        }
        try {
            RelPath p = RelPath.parse(typed);
            if (p.isRoot()) {
                throw new UserError("history needs a path, as ls shows it: source/folder/file");
            }
            return p;
        } catch (BadNameException e) {
            throw new UserError("path '" + typed + "': " + e.getMessage());
        }
    }

    private void print(History.Result h) {
        List<History.Version> vs = h.versions();
        int in = vs.stream().mapToInt(v -> v.snapshots().size()).sum();
        top.out.println(RelPath.display(List.of(h.path().toString())) + ": " + vs.size()
                + (vs.size() == 1 ? " version" : " versions") + " in " + in + " of " + h.searched() + " snapshots");
        if (vs.isEmpty()) {
            return;
        }
        int w = Math.max(5, vs.stream().mapToInt(v -> Math.max(v.first().length(), v.last().length())).max().orElse(5));
        top.out.println(String.format("%3s  %-" + w + "s  %-" + w + "s  %5s  %-4s  %12s  %-19s  %s", "#", "FIRST", "LAST",
                "IN", "KIND", "SIZE", "MTIME", "SHA-1"));
        int n = 0;
        for (History.Version v : vs) {
            Manifest.Item it = v.item();
            top.out.println(String.format("%3d  %-" + w + "s  %-" + w + "s  %5d  %-4s  %12s  %-19s  %s", ++n, v.first(),
                    v.last(), v.snapshots().size(), kind(it.type()), it.type() == Manifest.Type.DIR ? "-"
                            : Units.bytes(it.size()), Units.localTime(it.mtime()), detail(it)));
        }
        for (Map.Entry<String, String> e : h.errors().entrySet()) {
            top.out.println("  in " + e.getKey() + " it could not be read: " + RelPath.display(List.of(e.getValue())));
        }
    }

    private static String kind(Manifest.Type t) {
        return switch (t) {
            case FILE -> "file";
            case DIR -> "dir";
            case SYMLINK -> "link";
        };
    }

    private static String detail(Manifest.Item it) {
        return switch (it.type()) {
            case FILE -> it.blob();
            case DIR -> "mode " + dev.linkvault.Units.permissions(it.mode());
            case SYMLINK -> "-> " + RelPath.display(List.of(it.target()));
        };
    }

    private static Map<String, Object> toJson(History.Result h) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("path", h.path().toString());
        o.put("snapshots_searched", h.searched());
        List<Object> versions = new ArrayList<>();
        for (History.Version v : h.versions()) {
            Map<String, Object> j = JsonOut.item(v.item());
            j.remove("path");
            j.put("first_snapshot", v.first());
            j.put("last_snapshot", v.last());
            j.put("snapshots", v.snapshots());
            versions.add(j);
        }
        o.put("versions", versions);
        List<Object> errors = new ArrayList<>();
        h.errors().forEach((snap, msg) -> errors.add(JsonOut.obj("snapshot", snap, "message", msg)));
        o.put("errors", errors);
        return o;
    }
}
