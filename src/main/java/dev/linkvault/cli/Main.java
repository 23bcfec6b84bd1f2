package dev.linkvault.cli;

import dev.linkvault.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: runs the command line and exits with its code (spec/cli.md lists them). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                !LogLines.stderrIsTerminal()));
    }

    /** What a notification carries of the run's output: its last 10 kB. */
    static final int LOG_TAIL = 10 * 1024;

    /** Runs one command line with the given output streams; returns the exit code. */
    public static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr) {
        return run(args, rawOut, rawErr, false);
    }

    /** As {@link #run(String[], PrintWriter, PrintWriter)}; {@code stampErr}: stderr lines get a timestamp (no terminal). */
    static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr, boolean stampErr) {
        StringBuilder log = new StringBuilder();
        LogLines lines = new LogLines(stampErr);
        PrintWriter out = new PrintWriter(new TailWriter(lines.writer(rawOut, false), log, LOG_TAIL), true);
        PrintWriter err = new PrintWriter(new TailWriter(lines.writer(rawErr, true), log, LOG_TAIL), true);
        LinkvaultCommand top = new LinkvaultCommand(out, err);
        CommandLine cl = LinkvaultCommand.commandLine(top, args);
        Handlers handlers = new Handlers(top, cl, lines, out, err, args);
        cl.setExecutionStrategy(handlers);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(handlers);
        cl.setExecutionExceptionHandler(handlers);
        int code = cl.execute(args);
        recordRun(top, code, err);
        if (top.notifier != null) {
            dev.linkvault.repo.SnapshotSummary sum = top.runSummary;
            top.notifier.finished(code, outcome(code), sum == null ? null : sum.name(), sum == null ? null : sum.errors(),
                    TailWriter.last(log, LOG_TAIL));
        }
        out.flush();
        err.flush();
        lines.close();
        return code;
    }

    /**
     * How a parsed command line is run and how its failures are said. A named class, not three
     * lambdas: a lambda for one of picocli's interfaces makes the class-data archive's dump link
     * that interface early, and the dump then leaves out every picocli class it reaches (picocli's
     * are Java 5 class files), which a start then reads from the jar, opening all of its entries.
     */
    private static final class Handlers implements CommandLine.IExecutionStrategy,
            CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
        private final LinkvaultCommand top;
        private final CommandLine cl;
        private final LogLines lines;
        private final PrintWriter out;
        private final PrintWriter err;
        private final String[] args;

        Handlers(LinkvaultCommand top, CommandLine cl, LogLines lines, PrintWriter out, PrintWriter err, String[] args) {
            this.top = top;
            this.cl = cl;
            this.lines = lines;
            this.out = out;
            this.err = err;
            this.args = args;
        }

        @Override
        public int execute(CommandLine.ParseResult parsed) {
            // the global options are known now: -q, --log-file apply before the command runs
            lines.quiet(top.quiet);
            if (top.logFile != null) {
                try {
                    lines.logFile(top.logFile);
                } catch (java.io.IOException e) {
                    String line = "--log-file " + top.logFile + ": " + dev.linkvault.IoErrors.reason(e)
                            + "; give a file in a folder that exists and that you may write to";
                    err.println("linkvault: " + line);
                    jsonError(args, out, line, ExitCodes.FATAL);
                    return ExitCodes.FATAL;
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        }

        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args2) {
            String said = ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                    ? u.getUnmatched().get(0) : null;
            String meant = said == null || ex.getCommandLine() != cl ? null : OTHER_TOOLS.get(said);
            if (meant != null) {
                err.println("linkvault: there is no command '" + said + "'; did you mean: linkvault " + meant);
                return ExitCodes.FATAL;
            }
            err.println("linkvault: " + ex.getMessage());
            jsonError(args, out, ex.getMessage(), ExitCodes.FATAL);
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
                err.println("see: linkvault " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName()
                        + " ") + "--help");
            }
            return ExitCodes.FATAL;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            if (top.debug) {
                ex.printStackTrace(err);
            }
            int code = ExitCodes.FATAL;
            String line;
            if (ex instanceof UserError u) {
                line = u.getMessage();
                code = u.kind() == UserError.Kind.LOCKED ? ExitCodes.LOCKED : ExitCodes.FATAL;
            } else if (ex instanceof java.nio.file.FileSystemException f) {
                // a file the command needed could not be read or written: its path, the reason, the fix
                line = dev.linkvault.IoErrors.describe(f) + dev.linkvault.IoErrors.fix(f);
            } else if (ex instanceof dev.linkvault.ingest.Snapshotter.Bug bug) {
                line = bug.getMessage();
            } else {
                line = "unexpected failure: " + ex + (top.debug ? "" : " (run with --debug for details)");
            }
            line = pasteable(line, top.how());
            err.println("linkvault: " + line);
            jsonError(args, out, line, code);
            top.runFailure = line;
            return code;
        }
    }

    /**
     * Under --json a fatal error is also a JSON object on stdout, so that a script reading
     * stdout gets {@code {"error": "...", "exit_code": 2}} rather than nothing.
     */
    private static void jsonError(String[] args, PrintWriter out, String message, int code) {
        if (java.util.Arrays.asList(args).contains("--json")) {
            out.println(JsonOut.of(JsonOut.obj("error", message, "exit_code", code)));
        }
    }

    /** What users of restic, borg and rsnapshot type, and linkvault's word for it. */
    private static final java.util.Map<String, String> OTHER_TOOLS = java.util.Map.of(
            "backup", "snapshot", "create", "snapshot", "check", "verify", "prune", "forget --prune (or gc)",
            "list", "snapshots", "mount", "ls (or browse snapshots/ with any file manager)");

    private static final java.util.regex.Pattern HINT = java.util.regex.Pattern.compile(
            "(with: )linkvault (snapshots|snapshot|ls|restore|export|verify|gc|forget|stats|status|reindex)\\b");

    /**
     * A message whose fix hint names a command ("list them with: linkvault snapshots"), with the
     * {@code -c FILE} or {@code --repo DIR} this run was given put in, so that the hint works when pasted.
     */
    static String pasteable(String message, String how) {
        return how.isEmpty() ? message : HINT.matcher(message).replaceAll(
                "$1" + java.util.regex.Matcher.quoteReplacement("linkvault " + how) + "$2");
    }

    static String outcome(int code) {
        return switch (code) {
            case ExitCodes.OK -> "success";
            case ExitCodes.PARTIAL -> "partial";
            case ExitCodes.LOCKED -> "locked";
            case ExitCodes.INTERRUPTED -> "interrupted";
            default -> "failed";
        };
    }

    /** Writes .linkvault/status.json for a run that took (or tried to take) the writer lock. */
    private static void recordRun(LinkvaultCommand top, int code, PrintWriter err) {
        if (top.runRoot == null || !java.nio.file.Files.isDirectory(top.runRoot.resolve(".linkvault"))) {
            return;
        }
        try {
            dev.linkvault.repo.RunStatus before = dev.linkvault.repo.RunStatus.read(top.runRoot);
            dev.linkvault.repo.SnapshotSummary s = top.runSummary;
            boolean succeeded = s != null && !s.failed() && (code == ExitCodes.OK || code == ExitCodes.PARTIAL);
            String outcome = outcome(code);
            dev.linkvault.repo.RunStatus status = new dev.linkvault.repo.RunStatus(top.runCommand,
                    top.runStarted.toString(), java.time.Instant.now().toString(),
                    outcome, code, top.runFailure, s == null ? null : s.name(), s == null ? null : s.files(),
                    s == null ? null : s.bytes(), s == null ? null : s.newBytes(), s == null ? null : s.errors(),
                    succeeded ? s.finished() : before == null ? null : before.lastSuccess(),
                    succeeded ? s.name() : before == null ? null : before.lastSuccessSnapshot());
            status.write(top.runRoot);
            dev.linkvault.config.Config config = top.loadedConfig();
            if (config != null && config.metricsFile() != null && "linkvault snapshot".equals(top.runCommand)) {
                try {
                    MetricsFile.write(config.metricsFile(), top.runRoot, status, s);
                } catch (java.io.IOException e) {
                    err.println("note: could not write the metrics file " + config.metricsFile() + ": "
                            + dev.linkvault.IoErrors.reasonAndFix(e));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            err.println("note: could not record the run in " + dev.linkvault.repo.RunStatus.file(top.runRoot) + ": "
                    + dev.linkvault.IoErrors.reason(e));
        }
    }
}
