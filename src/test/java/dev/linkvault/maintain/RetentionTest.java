package dev.linkvault.maintain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    /** Snapshots named by their local date-time "yyyy-MM-ddTHH:mm", or a plain date at 03:00. */
    private static List<Retention.Snapshot> snaps(String... when) {
        List<Retention.Snapshot> out = new ArrayList<>();
        for (String w : when) {
            LocalDateTime t = w.contains("T") ? LocalDateTime.parse(w) : LocalDate.parse(w).atTime(3, 0);
            out.add(new Retention.Snapshot(w, t.toInstant(ZoneOffset.UTC)));
        }
        return out;
    }

    /** name -> reasons, for the kept ones only, newest first. */
    private static Map<String, String> kept(List<Retention.Snapshot> s, Retention.Policy p) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Retention.Decision d : Retention.apply(s, p, UTC)) {
            if (d.keep()) {
                out.put(d.snapshot().name(), String.join(", ", d.reasons()));
            }
        }
        return out;
    }

    private static Retention.Policy policy(int last, int daily, int weekly, int monthly, int yearly, String within) {
        return new Retention.Policy(last, 0, daily, weekly, monthly, yearly, within);
    }

    static Stream<Arguments> table() {
        return Stream.of(
            Arguments.of("keep-last 2 keeps the two newest",
                snaps("2026-01-01", "2026-01-02", "2026-01-03"), policy(2, 0, 0, 0, 0, null),
                "2026-01-03=last #1; 2026-01-02=last #2"),
            Arguments.of("keep-daily counts days that have a snapshot, newest of each day",
                snaps("2026-03-01T01:00", "2026-03-01T23:00", "2026-03-03", "2026-03-07"), policy(0, 3, 0, 0, 0, null),
                "2026-03-07=daily #1; 2026-03-03=daily #2; 2026-03-01T23:00=daily #3"),
            Arguments.of("month ends: Jan 31, Feb 28 and Mar 31 are three months",
                snaps("2026-01-31", "2026-02-01", "2026-02-28", "2026-03-31"), policy(0, 0, 0, 3, 0, null),
                "2026-03-31=monthly #1; 2026-02-28=monthly #2; 2026-01-31=monthly #3"),
            Arguments.of("leap day is its own day and belongs to February",
                snaps("2024-02-28", "2024-02-29", "2024-03-01"), policy(0, 2, 0, 2, 0, null),
                "2024-03-01=daily #1, monthly #1; 2024-02-29=daily #2, monthly #2"),
            Arguments.of("ISO week 53: 2020-12-31 and 2021-01-03 share week 2020-W53",
                snaps("2020-12-27", "2020-12-31", "2021-01-03", "2021-01-04"), policy(0, 0, 3, 0, 0, null),
                "2021-01-04=weekly #1; 2021-01-03=weekly #2; 2020-12-27=weekly #3"),
            Arguments.of("yearly keeps the newest of each year",
                snaps("2023-06-01", "2023-12-31", "2024-01-01", "2025-07-07"), policy(0, 0, 0, 0, 5, null),
                "2025-07-07=yearly #1; 2024-01-01=yearly #2; 2023-12-31=yearly #3; 2023-06-01=oldest yearly"),
            Arguments.of("rules add up and a snapshot kept twice says both",
                snaps("2026-01-01", "2026-01-15", "2026-02-01", "2026-02-02"), policy(1, 1, 0, 2, 0, null),
                "2026-02-02=last #1, daily #1, monthly #1; 2026-01-15=monthly #2"),
            Arguments.of("keep-within is measured from the newest snapshot, not from now",
                snaps("2020-01-01", "2020-01-05", "2020-01-08", "2020-01-10"), policy(0, 0, 0, 0, 0, "5d"),
                "2020-01-10=within 5d; 2020-01-08=within 5d; 2020-01-05=within 5d"),
            Arguments.of("keep-within months are calendar months",
                snaps("2026-01-31", "2026-02-28", "2026-03-31"), policy(0, 0, 0, 0, 0, "1m"),
                "2026-03-31=within 1m; 2026-02-28=within 1m"),
            Arguments.of("missing days just do not count",
                snaps("2026-05-01", "2026-05-20"), policy(0, 7, 0, 0, 0, null),
                "2026-05-20=daily #1; 2026-05-01=daily #2"),
            Arguments.of("while a rule has counts left, the oldest snapshot is kept too (restic)",
                snaps("2026-05-01T01:00", "2026-05-01T05:00", "2026-05-02"), policy(0, 7, 0, 0, 0, null),
                "2026-05-02=daily #1; 2026-05-01T05:00=daily #2; 2026-05-01T01:00=oldest daily"),
            Arguments.of("keep-hourly keeps the newest of each hour, and no oldest once its counts are used",
                snaps("2026-05-01T01:10", "2026-05-01T01:50", "2026-05-01T02:30", "2026-05-01T04:00"),
                new Retention.Policy(0, 2, 0, 0, 0, 0, null),
                "2026-05-01T04:00=hourly #1; 2026-05-01T02:30=hourly #2"),
            Arguments.of("keep-hourly with counts left keeps every hour and the oldest",
                snaps("2026-05-01T01:10", "2026-05-01T01:50", "2026-05-01T02:30"),
                new Retention.Policy(0, 24, 0, 0, 0, 0, null),
                "2026-05-01T02:30=hourly #1; 2026-05-01T01:50=hourly #2; 2026-05-01T01:10=oldest hourly"),
            Arguments.of("no snapshots, nothing to decide",
                snaps(), policy(3, 3, 3, 3, 3, "1y"), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void keeps(String what, List<Retention.Snapshot> s, Retention.Policy p, String expected) {
        Map<String, String> k = kept(s, p);
        List<String> rendered = new ArrayList<>();
        k.forEach((n, r) -> rendered.add(n + "=" + r));
        assertEquals(expected, String.join("; ", rendered));
    }

    @Test
    void keepWithinIgnoresASnapshotDatedInTheFutureAsItsReference() {
        List<Retention.Snapshot> s = snaps("2020-01-01", "2020-01-05", "2020-01-08", "2099-01-01");
        Map<String, String> out = new LinkedHashMap<>();
        for (Retention.Decision d : Retention.apply(s, policy(0, 0, 0, 0, 0, "5d"), UTC,
                java.time.Instant.parse("2020-01-10T00:00:00Z"))) {
            if (d.keep()) {
                out.put(d.snapshot().name(), String.join(", ", d.reasons()));
            }
        }
        assertEquals(Map.of("2099-01-01", "within 5d", "2020-01-08", "within 5d", "2020-01-05", "within 5d"), out);
    }

    @Test
    void everySnapshotGetsADecisionNewestFirst() {
        List<Retention.Decision> d = Retention.apply(snaps("2026-01-01", "2026-01-03", "2026-01-02"),
                policy(1, 0, 0, 0, 0, null), UTC);
        assertEquals(Arrays.asList("2026-01-03", "2026-01-02", "2026-01-01"),
                d.stream().map(x -> x.snapshot().name()).toList());
        assertEquals(Arrays.asList(true, false, false), d.stream().map(Retention.Decision::keep).toList());
    }

    @Test
    void periodsFollowTheTimeZoneGiven() {
        // 2026-01-01T23:30Z is already Jan 2 in Tokyo.
        List<Retention.Snapshot> s = snaps("2026-01-01T23:30", "2026-01-01T10:00");
        assertEquals(List.of("daily #2"), Retention.apply(s, policy(0, 5, 0, 0, 0, null), ZoneId.of("Asia/Tokyo"))
                .get(1).reasons(), "two days in Tokyo");
        assertEquals(List.of("oldest daily"), Retention.apply(s, policy(0, 5, 0, 0, 0, null), UTC).get(1).reasons(),
                "one day in UTC: the older is kept only as the oldest");
    }

    @Test
    void badDurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> policy(0, 0, 0, 0, 0, "7 days"));
        assertThrows(IllegalArgumentException.class, () -> policy(0, 0, 0, 0, 0, ""));
        assertThrows(IllegalArgumentException.class, () -> policy(-1, 0, 0, 0, 0, null));
    }
}
