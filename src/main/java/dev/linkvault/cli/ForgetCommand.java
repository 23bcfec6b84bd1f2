package dev.linkvault.cli;

import dev.linkvault.UserError;
import dev.linkvault.config.Config;
import dev.linkvault.maintain.Forgetter;
import dev.linkvault.maintain.GarbageCollector;
import dev.linkvault.maintain.Retention;
import dev.linkvault.repo.Repository;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "forget", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Remove snapshots a retention policy does not keep (restic's rules).",
            "Policy: the --keep-* options, else the config's retention: block. Space is freed by gc (or --prune).",
            "Example: linkvault -c vault.yaml forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run"})
final class ForgetCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots.")
    Integer last;
    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest snapshot of each of the N last hours that have one.")
    Integer hourly;
    @Option(names = "--keep-daily", paramLabel = "N", description = "Likewise for days.")
    Integer daily;
    @Option(names = "--keep-weekly", paramLabel = "N", description = "Likewise for ISO weeks.")
    Integer weekly;
    @Option(names = "--keep-monthly", paramLabel = "N", description = "Likewise for months.")
    Integer monthly;
    @Option(names = "--keep-yearly", paramLabel = "N", description = "Likewise for years.")
    Integer yearly;
    @Option(names = "--keep-within", paramLabel = "DURATION",
            description = "Keep every snapshot taken within DURATION (like 7d, 2m, 1y6m) of the newest one.")
    String within;
    @Option(names = "--incomplete-grace", paramLabel = "DAYS", defaultValue = "7",
            description = "Remove incomplete snapshots older than this many days (default: ${DEFAULT-VALUE}).")
    int graceDays;
    @Option(names = {"-n", "--dry-run"}, description = "Show the plan; remove nothing.")
    boolean dryRun;
    @Option(names = "--prune", description = "Run gc afterwards to free the space.")
    boolean prune;
    @Option(names = "--json", description = "One JSON object: each snapshot kept or removed with the reasons, then what gc did.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Retention.Policy policy = policy();
        if (graceDays < 0) {
            throw new UserError("--incomplete-grace must be 0 or more days");
        }
        try (Repository repo = top.openWriter("linkvault forget", dryRun)) {
            Forgetter f = new Forgetter(repo);
            Forgetter.Plan plan = f.plan(policy, ZoneId.systemDefault(), Duration.ofDays(graceDays), Instant.now());
            if (json) {
                return json(repo, f, plan);
            }
            for (Retention.Decision d : plan.complete()) {
                top.out.printf("%-7s %-24s %s%n", d.keep() ? "keep" : "remove", d.snapshot().name(),
                        String.join(", ", d.reasons()));
            }
            for (Forgetter.Incomplete i : plan.incomplete()) {
                top.out.printf("%-7s %-24s %s, %d days old%s%n", i.remove() ? "remove" : "keep",
                        i.failed() ? i.name() : i.name() + Repository.PARTIAL, i.failed() ? "failed" : "incomplete",
                        i.age().toDays(), i.remove() ? "" : i.failed() ? " (within the grace period; never a keeper)"
                                : " (within the grace period: the next snapshot run resumes it)");
            }
            for (String u : plan.unmanaged()) {
                top.out.printf("%-7s %-24s unmanaged: no manifest (adopt it with init --adopt)%n", "keep", u);
            }
            if (dryRun) {
                top.out.println("dry run: " + plan.removals() + " snapshots would be removed; nothing was changed");
                return ExitCodes.OK;
            }
            f.execute(plan, name -> { });
            top.out.println("removed " + plan.removals() + " snapshots"
                    + (prune || plan.removals() == 0 ? "" : "; run gc to free the space of blobs no snapshot uses"));
            if (prune) {
                GarbageCollector.Result r = new GarbageCollector(repo).run(false, (file, size) -> { });
                GcCommand.print(top, r);
            }
            return ExitCodes.OK;
        }
    }

    private int json(Repository repo, Forgetter f, Forgetter.Plan plan) throws java.io.IOException {
        java.util.List<Object> snapshots = new java.util.ArrayList<>();
        for (Retention.Decision d : plan.complete()) {
            snapshots.add(JsonOut.obj("name", d.snapshot().name(), "action", d.keep() ? "keep" : "remove",
                    "state", "complete", "reasons", d.reasons()));
        }
        for (Forgetter.Incomplete i : plan.incomplete()) {
            snapshots.add(JsonOut.obj("name", i.name(), "action", i.remove() ? "remove" : "keep",
                    "state", i.failed() ? "failed" : "incomplete", "age_days", i.age().toDays()));
        }
        for (String u : plan.unmanaged()) {
            snapshots.add(JsonOut.obj("name", u, "action", "keep", "state", "unmanaged"));
        }
        java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("dry_run", dryRun);
        o.put("snapshots", snapshots);
        o.put("removed", dryRun ? 0 : plan.removals());
        if (!dryRun) {
            f.execute(plan, name -> { });
            if (prune) {
                o.put("gc", GcCommand.json(new GarbageCollector(repo).run(false, (file, size) -> { })));
            }
        } else {
            o.put("would_remove", plan.removals());
        }
        top.out.println(JsonOut.of(o));
        return ExitCodes.OK;
    }

    private Retention.Policy policy() {
        boolean flags = last != null || hourly != null || daily != null || weekly != null || monthly != null
                || yearly != null || within != null;
        Retention.Policy p;
        try {
            if (flags) {
                p = new Retention.Policy(n(last), n(hourly), n(daily), n(weekly), n(monthly), n(yearly), within);
            } else {
                Config.RetentionConfig c = top.configFile() != null ? top.requireConfig().retention() : null;
                if (c == null) {
                    throw new UserError("no retention policy: give --keep-* options (for example --keep-daily 7)"
                            + " or a retention: block in the config");
                }
                p = new Retention.Policy(c.last(), c.hourly(), c.daily(), c.weekly(), c.monthly(), c.yearly(), c.within());
            }
        } catch (IllegalArgumentException e) {
            throw new UserError("retention policy: " + e.getMessage());
        }
        if (p.isEmpty()) {
            throw new UserError("the policy keeps nothing, which would remove every snapshot; give at least one"
                    + " --keep-* above 0");
        }
        return p;
    }

    private static int n(Integer v) {
        return v == null ? 0 : v;
    }
}
