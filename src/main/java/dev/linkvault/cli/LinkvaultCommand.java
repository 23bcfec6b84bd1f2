package dev.linkvault.cli;

import dev.linkvault.UserError;
import dev.linkvault.config.Config;
import dev.linkvault.config.ConfigLoader;
import dev.linkvault.repo.Repository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The top command: options every subcommand shares. */
@Command(name = "linkvault", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Deduplicated, hard-linked daily snapshots of file trees into a local repository.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Exit codes: 0 ok, 1 finished with per-file errors, 2 fatal/usage/config,"
                + " 3 repository locked, 130 interrupted."})
final class LinkvaultCommand implements Runnable {
    /**
     * The commands, in the order help lists them. They are not in the annotation: picocli builds
     * the model of every command it is given (reflection over each option), which was most of a
     * short command's start; {@link #commandLine} gives it only the ones a command line names.
     */
    static final java.util.Map<String, Class<?>> COMMANDS = commands(
            "init", InitCommand.class, "snapshot", SnapshotCommand.class, "snapshots", SnapshotsCommand.class,
            "ls", LsCommand.class, "restore", RestoreCommand.class, "export", ExportCommand.class,
            "preflight", PreflightCommand.class, "forget", ForgetCommand.class, "gc", GcCommand.class,
            "verify", VerifyCommand.class, "stats", StatsCommand.class, "reindex", ReindexCommand.class,
            "import-config", ImportConfigCommand.class, "status", StatusCommand.class, "dump", DumpCommand.class,
            "find", FindCommand.class, "history", HistoryCommand.class, "diff", DiffCommand.class,
            "version", VersionCommand.class, "completion", CompletionCommand.class, "serve", ServeCommand.class,
            "nextcloud", NextcloudCommand.class, "icloud", IcloudCommand.class,
            "help", picocli.CommandLine.HelpCommand.class);

    /** Name, class, name, class...: the names as literals, so that a start reads none of the 24 annotations. */
    private static java.util.Map<String, Class<?>> commands(Object... nameThenClass) {
        java.util.Map<String, Class<?>> byName = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            byName.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    /**
     * The command line for {@code args}: the top command with the subcommands whose names occur
     * among the arguments (a name that is really an option's value only adds a command that goes
     * unused), all of them when none does or when help or completion is asked for (they list
     * them), and none for a bare {@code --version}.
     */
    static picocli.CommandLine commandLine(LinkvaultCommand top, String[] args) {
        // No option is of a java.time or java.sql type; registering picocli's converters for them
        // loads and initialises those classes by reflection (java.time's formatters) at every start.
        if (System.getProperty(CONVERTERS_EXCLUDED) == null) {
            System.setProperty(CONVERTERS_EXCLUDED, "java\\.(time|sql)\\..*");
        }
        // No option is a Groovy closure; looking for Groovy's class (absent) made every start read the
        // central directory of the whole jar, 24,000 entries (about 20 ms), when nothing else needed it.
        if (System.getProperty(CLOSURES_DISABLED) == null) {
            System.setProperty(CLOSURES_DISABLED, "true");
        }
        picocli.CommandLine cl = new picocli.CommandLine(top);
        java.util.Set<String> named = new java.util.HashSet<>();
        boolean version = false;
        boolean help = false;
        for (String a : args) {
            if (COMMANDS.containsKey(a)) {
                named.add(a);
            }
            version |= a.equals("--version") || a.equals("-V");
            help |= a.equals("--help") || a.equals("-h");
        }
        boolean all = named.isEmpty() ? !version || help : named.contains("help") || named.contains("completion");
        for (var e : COMMANDS.entrySet()) {
            if (all || named.contains(e.getKey())) {
                cl.addSubcommand(e.getKey(), e.getValue());
            }
        }
        return cl;
    }

    /** picocli's system property: the built-in converters it does not register (regular expressions, comma-separated). */
    static final String CONVERTERS_EXCLUDED = "picocli.converters.excludes";

    /** picocli's system property: no lookup of {@code groovy.lang.Closure}. */
    static final String CLOSURES_DISABLED = "picocli.disable.closures";

    final PrintWriter out;
    final PrintWriter err;

    @Option(names = {"-c", "--config"}, scope = picocli.CommandLine.ScopeType.INHERIT, paramLabel = "FILE", description = "The YAML config (sources, repository).")
    Path config;

    @Option(names = "--repo", scope = picocli.CommandLine.ScopeType.INHERIT, paramLabel = "DIR", description = "The repository; overrides the config's 'repository'.")
    Path repo;

    @Option(names = "--debug", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Show stack traces of failures.")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Only errors and the summary: no progress, no notes.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Name each file read or stored (snapshot) and each blob removed (gc).")
    boolean verbose;

    @Option(names = "--log-file", scope = picocli.CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
            description = "Also append every line of output to FILE, each with its time.")
    Path logFile;

    private Config loaded;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    LinkvaultCommand(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "a command is needed: init, snapshot, snapshots, status, ls, find, history, diff, restore, dump, export, preflight, forget, gc, verify, stats, reindex, serve, nextcloud, icloud, completion, version or help (see --help)");
    }

    /** Where the process looks (the environment and the places of the config); replaced in tests. */
    java.util.Map<String, String> environment = System.getenv();
    Path workingDir = Path.of("").toAbsolutePath();
    Path homeDir = Path.of(System.getenv("HOME") != null && !System.getenv("HOME").isBlank() ? System.getenv("HOME")
            : System.getProperty("user.home"));

    /**
     * The config file: {@code -c FILE}, else {@code $LINKVAULT_CONFIG}, else the first of
     * {@code ./linkvault.yaml}, {@code ~/.config/linkvault/config.yaml},
     * {@code /etc/linkvault/config.yaml} that exists; null when none is given or found.
     */
    Path configFile() {
        if (config != null) {
            return config;
        }
        String env = environment.get("LINKVAULT_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path p : configPlaces()) {
            if (java.nio.file.Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private List<Path> configPlaces() {
        return List.of(workingDir.resolve("linkvault.yaml"), homeDir.resolve(".config/linkvault/config.yaml"),
                Path.of("/etc/linkvault/config.yaml"));
    }

    /** Where bytes go (dump): stdout itself, not the text writer. */
    java.io.OutputStream binaryOut = System.out;

    /** The config if this run loaded one, else null. */
    Config loadedConfig() {
        return loaded;
    }

    /** The config, which commands that read sources need. */
    Config requireConfig() {
        Path file = configFile();
        if (file == null) {
            throw new UserError("this command needs a config: give -c FILE, set LINKVAULT_CONFIG, or put one at "
                    + configPlaces().stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", ")));
        }
        if (loaded == null) {
            loaded = ConfigLoader.load(file);
        }
        return loaded;
    }

    /**
     * How this run named its repository, for fix hints that work when pasted: {@code --repo DIR}
     * or {@code -c FILE}, or nothing when it came from the environment or a config's usual place.
     */
    String how() {
        if (repo != null) {
            return "--repo " + repo.toAbsolutePath().normalize() + " ";
        }
        if (config != null) {
            return "-c " + config + " ";
        }
        return "";
    }

    /** The start of a command that reads this run's config, for fix hints: {@code linkvault -c FILE}. */
    String withConfig() {
        return config != null ? "linkvault -c " + config : "linkvault";
    }

    /** The writing run under way, for .linkvault/status.json: where, which command, since when; null for none. */
    Path runRoot;
    String runCommand;
    java.time.Instant runStarted;
    /** What a snapshot run ended with, or null. */
    dev.linkvault.repo.SnapshotSummary runSummary;
    /** The one line a failed run ended with, or null. */
    String runFailure;
    /** Who hears how a snapshot went (the config's notify: block), once the snapshot started; or null. */
    Notifier notifier;

    /** Opens the repository for writing (probe, lock), telling of a lock a dead writer left. */
    Repository openWriter(String command) {
        return openWriter(command, false);
    }

    /** As {@link #openWriter(String)}; a dry run changes nothing on opening either (nor writes a status). */
    Repository openWriter(String command, boolean dryRun) {
        Path root = repository();
        if (!dryRun) {
            runRoot = root;
            runCommand = command;
            runStarted = java.time.Instant.now();
        }
        Repository r = Repository.openForWriting(root, command, true, dryRun);
        if (r.staleLockHolder() != null) {
            err.println("note: the previous writer (" + r.staleLockHolder() + ") ended without releasing the lock;"
                    + " taken over");
        }
        return r;
    }

    /**
     * The repository: {@code --repo}, else {@code $LINKVAULT_REPOSITORY}, else the config's
     * {@code repository} (the config as {@link #configFile} finds it).
     */
    Path repository() {
        if (repo != null) {
            return repo.toAbsolutePath().normalize();
        }
        String env = config == null ? environment.get("LINKVAULT_REPOSITORY") : null;
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        if (configFile() != null) {
            Config c = requireConfig();
            if (c.repository() != null) {
                return c.repository();
            }
            throw new UserError("config " + c.file() + " has no 'repository:'; add it or give --repo DIR");
        }
        throw new UserError("no repository given: use --repo DIR or -c FILE, or set LINKVAULT_REPOSITORY or"
                + " LINKVAULT_CONFIG");
    }
}
