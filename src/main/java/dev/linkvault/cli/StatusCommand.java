package dev.linkvault.cli;

import dev.linkvault.Units;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkvault.UserError;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"How the last writing run went and how long ago a snapshot last succeeded, from"
                + " .linkvault/status.json.",
            "Exit 1 when the last success is older than --max-age (or there is none): a monitoring check.",
            "Example: linkvault --repo /srv/vault status --max-age 26h"})
final class StatusCommand implements Callable<Integer> {
    private static final Pattern AGE = Pattern.compile("(\\d+)([smhd])");

    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--max-age", paramLabel = "DURATION", defaultValue = "26h",
            description = "How old the last success may be: 90m, 26h, 2d (default: ${DEFAULT-VALUE}).")
    String maxAge;

    @Option(names = "--json", description = "Print the status as JSON, with the age of the last success in seconds.")
    boolean json;

    static Duration parseAge(String s) {
        Matcher m = AGE.matcher(s);
        if (!m.matches()) {
            throw new UserError("--max-age " + s + ": give a whole number and a unit, s m h or d (26h, 2d)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    @Override
    public Integer call() throws Exception {
        Duration max = parseAge(maxAge);
        try (Repository repo = Repository.openForReading(top.repository())) {
            RunStatus s = RunStatus.read(repo.root());
            Instant now = Instant.now();
            Duration age = s == null || s.lastSuccess() == null ? null : Duration.between(Instant.parse(s.lastSuccess()), now);
            boolean fresh = age != null && age.compareTo(max) <= 0;
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ObjectNode o = s == null ? m.createObjectNode() : (ObjectNode) m.readTree(s.toJson());
                if (age != null) {
                    o.put("last_success_age_s", age.toSeconds());
                }
                o.put("max_age_s", max.toSeconds());
                o.put("ok", fresh);
                top.out.println(m.writeValueAsString(o));
                return fresh ? ExitCodes.OK : ExitCodes.PARTIAL;
            }
            if (s == null) {
                top.out.println("no run recorded yet in " + RunStatus.file(repo.root()) + "; take a snapshot first");
                return ExitCodes.PARTIAL;
            }
            top.out.println("last run:     " + s.command() + ", " + s.finished() + ": " + s.outcome() + " (exit "
                    + s.exitCode() + ")" + (s.snapshot() == null ? "" : ", snapshot " + s.snapshot() + ", "
                    + Units.count(s.files()) + " files, " + Units.count(s.errors()) + " errors")
                    + (s.message() == null ? "" : "\n              " + s.message()));
            top.out.println("last success: " + (age == null ? "none" : s.lastSuccess() + " (snapshot "
                    + s.lastSuccessSnapshot() + "), " + Units.duration(age.toMillis()) + " ago")
                    + (fresh ? "" : ": older than --max-age " + maxAge));
            return fresh ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }
}
