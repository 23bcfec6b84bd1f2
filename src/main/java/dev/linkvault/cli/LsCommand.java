package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.restore.SnapshotBrowser;
import dev.linkvault.restore.SnapshotRef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ls", mixinStandardHelpOptions = false, versionProvider = VersionProvider.class,
        description = {"List what a snapshot holds at a path: mode, size, mtime, path.",
            "Example: linkvault --repo /srv/vault ls 2026-11-21:docs/a"})
final class LsCommand implements Callable<Integer> {
    // -h is ls's --human-readable (as in ls and du), so help is --help only
    @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
    boolean version;

    @ParentCommand
    LinkvaultCommand top;

    @Parameters(paramLabel = "SNAPSHOT[:PATH]", description = "A snapshot, optionally with a path inside it.")
    String target;

    @Option(names = {"-r", "--recursive"}, description = "List everything below the path.")
    boolean recursive;

    @Option(names = {"-h", "--human-readable"}, description = "Sizes as 1.2 MB rather than in bytes.")
    boolean human;

    @Option(names = "--json", description = "One JSON object per entry: type, path, size, mode, mtime, sha1, target.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SnapshotRef ref = SnapshotRef.parse(target);
        try (Repository repo = Repository.openForReading(top.repository())) {
            new SnapshotBrowser(repo).list(ref, recursive, item -> top.out.println(json ? JsonOut.of(JsonOut.item(item))
                    : format(item, human)));
        }
        return ExitCodes.OK;
    }

    private static String format(Manifest.Item it, boolean human) {
        char t = switch (it.type()) {
            case DIR -> 'd';
            case SYMLINK -> 'l';
            case FILE -> '-';
        };
        // Names from a source can hold newlines and control characters: shown escaped (\n, \x1b),
        // as in error lines, so one entry is one line and nothing reaches the terminal raw.
        String path = shown(it.path()) + (it.type() == Manifest.Type.DIR ? "/" : "")
                + (it.type() == Manifest.Type.SYMLINK ? " -> " + shown(it.target()) : "");
        return String.format("%c%s %12s %s %s", t, Units.permissions(it.mode()),
                it.type() == Manifest.Type.DIR ? "-" : human ? Units.bytes(it.size()) : Long.toString(it.size()),
                Units.localTime(it.mtime()), path);
    }

    private static String shown(String s) {
        return dev.linkvault.RelPath.display(java.util.List.of(s));
    }
}
