package dev.linkvault.cli;

import dev.linkvault.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: runs the command line and exits with its code (spec/cli.md lists them). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line with the given output streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        LinkvaultCommand top = new LinkvaultCommand(out, err);
        CommandLine cl = new CommandLine(top);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (top.debug) {
                ex.printStackTrace(err);
            }
            if (ex instanceof UserError u) {
                err.println("linkvault: " + u.getMessage());
                return u.kind() == UserError.Kind.LOCKED ? ExitCodes.LOCKED : ExitCodes.FATAL;
            }
            if (ex instanceof java.nio.file.FileSystemException f) {
                // a file the command needed could not be read or written: its path, the reason, the fix
                err.println("linkvault: " + dev.linkvault.IoErrors.describe(f) + dev.linkvault.IoErrors.fix(f));
                return ExitCodes.FATAL;
            }
            if (ex instanceof dev.linkvault.ingest.Snapshotter.Bug bug) {
                err.println("linkvault: " + bug.getMessage());
                return ExitCodes.FATAL;
            }
            err.println("linkvault: unexpected failure: " + ex + (top.debug ? "" : " (run with --debug for details)"));
            return ExitCodes.FATAL;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
