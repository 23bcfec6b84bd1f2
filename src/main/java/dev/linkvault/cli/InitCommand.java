package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.maintain.Adopter;
import dev.linkvault.repo.Repository;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Create a new, empty repository, or adopt one made by nextcloud-s3-backup.",
            "Checks that the filesystem has working hard links and writes the format version.",
            "Examples: linkvault init /srv/vault; linkvault init --adopt /srv/nextcloud-backup"})
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Where (default: --repo, or the config's repository).")
    Path dir;

    @Option(names = "--adopt", description = {"Take over a repository of nextcloud-s3-backup in place: keep its"
            + " .data and snapshots, add the format version, and give every snapshot a manifest.",
        "Run it again after an interruption; it finishes what is left."})
    boolean adopt;

    @Override
    public Integer call() throws Exception {
        Path root = dir != null ? dir.toAbsolutePath().normalize() : top.repository();
        if (!adopt) {
            Repository.init(root);
            top.out.println("created linkvault repository " + root + " (format " + Repository.FORMAT + ")");
            return ExitCodes.OK;
        }
        boolean fresh = Repository.adoptLayout(root);
        top.repo = root;
        try (Repository repo = top.openWriter("linkvault init --adopt")) {
            Adopter.Result r = new Adopter(repo).adoptUnmanaged(p -> top.err.println("error: " + p));
            top.out.println((fresh ? "adopted " : "repository already adopted; ") + root + ": "
                    + r.adopted().size() + " snapshots given manifests (" + Units.count(r.files()) + " files, "
                    + Units.count(r.relinked()) + " copies turned into links to their blobs)");
            return r.errors() > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
        }
    }
}
