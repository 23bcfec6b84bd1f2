package dev.linkvault.maintain;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which snapshots a retention policy keeps, as a pure function of (snapshots, policy, time zone),
 * with restic's semantics: newest first; each {@code --keep-<period> N} keeps the newest snapshot
 * of each of the N most recent periods that have one (calendar periods, ISO weeks);
 * {@code --keep-last N} the N newest; {@code --keep-within D} every snapshot taken within D of
 * the newest (not dated in the future). While a period rule has counts left over, the oldest
 * snapshot is kept too ({@code oldest daily}). Every kept snapshot says why.
 */
public final class Retention {
    private Retention() {}

    /**
     * A retention policy; 0 means "not this rule".
     *
     * @param within restic-style duration such as {@code 1y6m} or {@code 14d}, or null
     */
    public record Policy(int last, int hourly, int daily, int weekly, int monthly, int yearly, String within) {
        public Policy {
            for (int n : new int[] {last, hourly, daily, weekly, monthly, yearly}) {
                if (n < 0) {
                    throw new IllegalArgumentException("keep counts cannot be negative");
                }
            }
            if (within != null) {
                parseWithin(within);
            }
        }

        public boolean isEmpty() {
            return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0 && within == null;
        }
    }

    /** A complete snapshot and the time it was taken. */
    public record Snapshot(String name, Instant time) {}

    /** What the policy says of one snapshot: keep (with reasons such as {@code daily #3}) or remove. */
    public record Decision(Snapshot snapshot, boolean keep, List<String> reasons) {}

    private static final Pattern WITHIN = Pattern.compile("(?:(\\d+)y)?(?:(\\d+)m)?(?:(\\d+)d)?(?:(\\d+)h)?");

    static int[] parseWithin(String s) {
        Matcher m = WITHIN.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a duration like 7d, 2m15d or 1y6m (y, m, d, h)");
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            out[i] = m.group(i + 1) == null ? 0 : Integer.parseInt(m.group(i + 1));
        }
        return out;
    }

    /** Decides every snapshot, newest first, as of now. */
    public static List<Decision> apply(List<Snapshot> snapshots, Policy policy, ZoneId zone) {
        return apply(snapshots, policy, zone, Instant.now());
    }

    /**
     * Decides every snapshot, newest first. {@code keep-within} counts back from the newest
     * snapshot that is not dated after {@code now} (a clock that was wrong once must not make
     * every real snapshot look old), as restic does.
     */
    public static List<Decision> apply(List<Snapshot> snapshots, Policy policy, ZoneId zone, Instant now) {
        List<Snapshot> newestFirst = new ArrayList<>(snapshots);
        newestFirst.sort(Comparator.comparing(Snapshot::time).thenComparing(Snapshot::name).reversed());
        List<List<String>> reasons = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            reasons.add(new ArrayList<>());
        }
        for (int i = 0; i < Math.min(policy.last(), newestFirst.size()); i++) {
            reasons.get(i).add("last #" + (i + 1));
        }
        bucket(newestFirst, reasons, zone, policy.hourly(), "hourly", t -> t.toLocalDate() + "T" + t.getHour());
        bucket(newestFirst, reasons, zone, policy.daily(), "daily", t -> t.toLocalDate().toString());
        bucket(newestFirst, reasons, zone, policy.weekly(), "weekly",
                t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        bucket(newestFirst, reasons, zone, policy.monthly(), "monthly", t -> t.getYear() + "-" + t.getMonthValue());
        bucket(newestFirst, reasons, zone, policy.yearly(), "yearly", t -> Integer.toString(t.getYear()));
        Snapshot reference = newestFirst.stream().filter(x -> !x.time().isAfter(now)).findFirst()
                .orElse(newestFirst.isEmpty() ? null : newestFirst.get(0));
        if (policy.within() != null && reference != null) {
            int[] d = parseWithin(policy.within());
            ZonedDateTime limit;
            try {
                limit = reference.time().atZone(zone).minusYears(d[0]).minusMonths(d[1]).minusDays(d[2])
                        .minusHours(d[3]);
            } catch (DateTimeException e) {
                limit = ZonedDateTime.ofInstant(Instant.MIN, zone);
            }
            for (int i = 0; i < newestFirst.size(); i++) {
                if (!newestFirst.get(i).time().isBefore(limit.toInstant())) {
                    reasons.get(i).add("within " + policy.within());
                }
            }
        }
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < newestFirst.size(); i++) {
            out.add(new Decision(newestFirst.get(i), !reasons.get(i).isEmpty(), List.copyOf(reasons.get(i))));
        }
        return out;
    }

    private static void bucket(List<Snapshot> newestFirst, List<List<String>> reasons, ZoneId zone, int count,
                               String label, Function<ZonedDateTime, String> period) {
        String last = null;
        int kept = 0;
        int oldest = newestFirst.size() - 1;
        boolean oldestKept = false;
        for (int i = 0; i < newestFirst.size() && kept < count; i++) {
            String p = period.apply(newestFirst.get(i).time().atZone(zone));
            if (!p.equals(last)) {
                kept++;
                reasons.get(i).add(label + " #" + kept);
                last = p;
                oldestKept |= i == oldest;
            }
        }
        // While the rule still has counts left, the oldest snapshot stays too (restic's rule), so
        // that a young repository does not lose its first snapshot to a newer one of its period.
        if (count > 0 && kept < count && oldest >= 0 && !oldestKept) {
            reasons.get(oldest).add("oldest " + label);
        }
    }
}
