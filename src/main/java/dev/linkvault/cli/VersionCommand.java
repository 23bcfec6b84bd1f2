package dev.linkvault.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Print linkvault's version, the repository format it writes and the Java it runs on,",
            "then what computes the digests: libcrypto through the native helper, or the JDK's (slower).",
            "Example: linkvault version"})
final class VersionCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Override
    public Integer call() {
        for (String line : new VersionProvider().getVersion()) {
            top.out.println(line);
        }
        top.out.println("digests: " + dev.linkvault.NativeDigest.status());
        return ExitCodes.OK;
    }
}
