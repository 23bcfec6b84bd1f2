package dev.linkvault.cli;

import dev.linkvault.repo.Repository;
import dev.linkvault.restore.Dumper;
import dev.linkvault.restore.SnapshotRef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "dump", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Write a file's bytes to stdout, or a folder as a tar stream (modes, mtimes, symlinks),"
                + " each file checked against its SHA-1.",
            "Examples: linkvault dump latest:docs/report.pdf > report.pdf;"
                + " linkvault dump 2026-11-21:docs | tar -x -C /tmp/out"})
final class DumpCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Parameters(paramLabel = "SNAPSHOT[:PATH]", description = "A file or folder of a snapshot (the whole snapshot without :PATH).")
    String target;

    @Override
    public Integer call() throws Exception {
        SnapshotRef ref = SnapshotRef.parse(target);
        try (Repository repo = Repository.openForReading(top.repository())) {
            new Dumper(repo).dump(ref, top.binaryOut);
        }
        return ExitCodes.OK;
    }
}
