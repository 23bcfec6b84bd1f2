package dev.linkvault.cli;

import dev.linkvault.UserError;
import dev.linkvault.config.Config;
import dev.linkvault.config.Secrets;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.icloud.IcloudException;
import dev.linkvault.source.icloud.IcloudLogin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "icloud", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"What only an iCloud source has: its login.", "Example: linkvault -c vault.yaml icloud login"},
        subcommands = {IcloudCommand.Login.class, IcloudCommand.Status.class})
final class IcloudCommand implements Runnable {
    @ParentCommand
    LinkvaultCommand top;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "an icloud command is needed: login or status (see linkvault icloud --help)");
    }

    /** The config's iCloud source named NAME, or its only one. */
    static SourceConfig.Icloud source(Config config, String name) {
        List<SourceConfig.Icloud> all = new ArrayList<>();
        for (SourceConfig s : config.sources()) {
            if (s instanceof SourceConfig.Icloud i && (name == null || i.name().equals(name))) {
                all.add(i);
            }
        }
        if (all.isEmpty()) {
            throw new UserError(name == null ? "config " + config.file() + " has no icloud source"
                    : "config " + config.file() + " has no icloud source named '" + name + "'");
        }
        if (all.size() > 1) {
            throw new UserError("config " + config.file() + " has " + all.size() + " icloud sources; say which with"
                    + " --source NAME (" + String.join(", ", all.stream().map(SourceConfig::name).toList()) + ")");
        }
        return all.get(0);
    }

    static UserError fail(SourceConfig.Icloud s, IcloudException e) {
        return new UserError("source '" + s.name() + "': " + e.getMessage(), e);
    }

    @Command(name = "login", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Logs in to iCloud as Apple's web client does: the password (from password-env or"
                    + " password-file, else asked without echo), then the 6-digit code Apple sends to a trusted"
                    + " device (or by SMS with --sms). Saves the session and Apple's trust (about 30 days) in"
                    + " session-dir; snapshots then log in by themselves. Changes nothing while the session works.",
                "Example: linkvault -c vault.yaml icloud login"})
    static final class Login implements Callable<Integer> {
        @ParentCommand
        IcloudCommand parent;

        @Option(names = "--source", paramLabel = "NAME", description = "The icloud source (default: the only one).")
        String source;

        @Option(names = "--code", paramLabel = "CODE", description = "The 6-digit code, for a scripted login.")
        String code;

        @Option(names = "--sms", paramLabel = "N", description = "Have the code sent by SMS to trusted phone number N (1 is the first).")
        Integer sms;

        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "300",
                description = "Advanced Data Protection: how long to wait for a device to approve (default ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Override
        public Integer call() throws Exception {
            LinkvaultCommand top = parent.top;
            SourceConfig.Icloud s = source(top.requireConfig(), source);
            java.io.Console console = System.console();
            String password = s.password().isSet() ? Secrets.read(s.password(), "the Apple ID password of source '"
                    + s.name() + "'") : null;
            if (password == null && console != null) {
                char[] typed = console.readPassword("Apple ID password for %s: ", s.appleId());
                password = typed == null ? null : new String(typed);
            }
            String fix = top.withConfig() + " icloud login";
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
            try {
                IcloudLogin.Outcome o = IcloudLogin.login(s, password, where -> {
                    if (code != null) {
                        return code;
                    }
                    if (console == null) {
                        return null;
                    }
                    top.err.print("6-digit code from " + where + ": ");
                    top.err.flush();
                    return stdin.readLine();
                }, sms, line -> {
                    top.err.println(line);
                    top.err.flush();
                }, Duration.ofSeconds(waitSeconds), fix);
                String ends = o.trustEnds() == null ? "" : "; Apple's trust ends " + o.trustEnds().toString().substring(0, 10)
                        + " (run this again before then)";
                top.out.println(o.already() ? "iCloud session of " + s.appleId() + " is good; nothing changed" + ends
                        : "logged in to iCloud as " + s.appleId() + ends);
                return ExitCodes.OK;
            } catch (IcloudException e) {
                throw fail(s, e);
            } catch (IOException e) {
                throw new UserError("source '" + s.name() + "': the login failed: " + dev.linkvault.IoErrors.reason(e)
                        + "; check the network and run " + fix + " again", e);
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"The saved iCloud session: whether it works now (one request to Apple, no login), when"
                    + " Apple's trust ends, and what to do. Exit 0: good; 1: the trust ends within 7 days or the web"
                    + " session must be renewed; 2: a login is needed.",
                "Example: linkvault -c vault.yaml icloud status --json"})
    static final class Status implements Callable<Integer> {
        @ParentCommand
        IcloudCommand parent;

        @Option(names = "--source", paramLabel = "NAME", description = "The icloud source (default: the only one).")
        String source;

        @Option(names = "--json", description = "One JSON object: apple_id, session_file, valid, trust_ends, trust_ends_soon, advice.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            LinkvaultCommand top = parent.top;
            SourceConfig.Icloud s = source(top.requireConfig(), source);
            IcloudLogin.Status st;
            try {
                st = IcloudLogin.status(s, top.withConfig() + " icloud login");
            } catch (IcloudException e) {
                throw fail(s, e);
            }
            boolean ended = st.trustEnds() == null || st.trustEnds().isBefore(java.time.Instant.now());
            int code = ended ? ExitCodes.FATAL : st.trustEndsSoon() || !st.valid() ? ExitCodes.PARTIAL : ExitCodes.OK;
            if (json) {
                top.out.println(JsonOut.of(JsonOut.obj("apple_id", st.appleId(), "session_file", st.sessionFile(),
                        "valid", st.valid(), "trust_ends", st.trustEnds() == null ? null : st.trustEnds().toString(),
                        "trust_ends_soon", st.trustEndsSoon(), "advice", st.advice())));
            } else {
                top.out.println("iCloud " + st.appleId() + ": session " + (st.valid() ? "valid" : "not valid now")
                        + (st.trustEnds() == null ? "; no trust saved" : "; Apple's trust ends "
                        + st.trustEnds().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
                top.out.println("  " + st.advice());
            }
            return code;
        }
    }
}
