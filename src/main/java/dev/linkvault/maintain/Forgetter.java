package dev.linkvault.maintain;

import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a retention policy: decides with {@link Retention}, then removes the snapshots it does
 * not keep. Incomplete snapshots never count as keepers and are removed once older than a grace
 * period (a crashed run is usually resumed the next day); unmanaged trees are never touched.
 */
public final class Forgetter {
    private final Repository repo;

    /** What forget will do (or did). */
    public record Plan(List<Retention.Decision> complete, List<Incomplete> incomplete, List<String> unmanaged) {
        public long removals() {
            return complete.stream().filter(d -> !d.keep()).count() + incomplete.stream().filter(Incomplete::remove).count();
        }
    }

    /** An incomplete or failed snapshot, its age, and whether it goes. */
    public record Incomplete(String name, Duration age, boolean remove, boolean failed) {}

    public Forgetter(Repository repo) {
        this.repo = repo;
    }

    public Plan plan(Retention.Policy policy, ZoneId zone, Duration incompleteGrace, Instant now) throws IOException {
        List<Retention.Snapshot> complete = new ArrayList<>();
        List<Incomplete> incomplete = new ArrayList<>();
        List<String> unmanaged = new ArrayList<>();
        for (Repository.SnapshotInfo s : repo.snapshots()) {
            switch (s.state()) {
                case COMPLETE -> complete.add(new Retention.Snapshot(s.name(), Instant.parse(s.summary().started())));
                case INCOMPLETE -> {
                    Path tree = repo.partialTree(s.name());
                    Duration age = Duration.between(Files.getLastModifiedTime(tree).toInstant(), now);
                    incomplete.add(new Incomplete(s.name(), age, age.compareTo(incompleteGrace) > 0, false));
                }
                case FAILED -> {
                    Duration age = Duration.between(Instant.parse(s.summary().finished()), now);
                    incomplete.add(new Incomplete(s.name(), age, age.compareTo(incompleteGrace) > 0, true));
                }
                case UNMANAGED -> unmanaged.add(s.name());
            }
        }
        return new Plan(Retention.apply(complete, policy, zone, now), incomplete, unmanaged);
    }

    /** Removes what the plan says to remove; tells {@code removed} after each one. */
    public void execute(Plan plan, java.util.function.Consumer<String> removed) throws IOException {
        for (Retention.Decision d : plan.complete()) {
            if (!d.keep()) {
                repo.removeSnapshot(d.snapshot().name(), false);
                removed.accept(d.snapshot().name());
            }
        }
        for (Incomplete i : plan.incomplete()) {
            if (i.remove()) {
                repo.removeSnapshot(i.name(), !i.failed());
                removed.accept(i.failed() ? i.name() : i.name() + Repository.PARTIAL);
            }
        }
    }
}
