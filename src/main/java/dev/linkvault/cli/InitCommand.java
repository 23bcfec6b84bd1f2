package dev.linkvault.cli;

import dev.linkvault.repo.Repository;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create a new, empty repository.",
            "Checks that the filesystem has working hard links and writes the format version."})
final class InitCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Where (default: --repo, or the config's repository).")
    Path dir;

    @Override
    public Integer call() {
        Path root = dir != null ? dir.toAbsolutePath().normalize() : top.repository();
        Repository.init(root);
        top.out.println("created linkvault repository " + root + " (format " + Repository.FORMAT + ")");
        return ExitCodes.OK;
    }
}
