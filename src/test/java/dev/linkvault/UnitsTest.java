package dev.linkvault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The hand-made figures read exactly as String.format and DateTimeFormatter would write them. */
class UnitsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(11);

    @Test
    void countsAreGroupedByThreesAsFormatDoes() {
        long[] edges = {0, 7, 999, 1000, -1, -999, -1000, 123_456, 1_000_000, 9_999_999, Long.MAX_VALUE, Long.MIN_VALUE};
        for (long n : edges) {
            assertEquals(String.format(Locale.ROOT, "%,d", n), Units.count(n), "count " + n);
        }
        for (int i = 0; i < 20_000; i++) {
            long n = RANDOM.nextLong() >> RANDOM.nextInt(64);
            assertEquals(String.format(Locale.ROOT, "%,d", n), Units.count(n), "count " + n);
        }
    }

    @Test
    void bytesRoundAsFormatDoesAtEveryUnitAndItsEdges() {
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        for (int i = 0; i < 50_000; i++) {
            long n = i < 2000 ? i * 997L : RANDOM.nextLong(Long.MAX_VALUE) >> RANDOM.nextInt(63);
            assertEquals(formatted(n, units), Units.bytes(n), "bytes " + n);
        }
        for (long p = 1000; p <= 1_000_000_000_000_000L; p *= 1000) {
            for (long n : new long[] {p - 1, p, p + 1, 10 * p - 5 * p / 1000, 10 * p - 1, 100 * p - 50 * p / 1000, 999_500 * p / 1000}) {
                assertEquals(formatted(n, units), Units.bytes(n), "bytes " + n);
            }
        }
    }

    private static String formatted(long n, String[] units) {
        if (n < 1000) {
            return n + " B";
        }
        double v = n;
        int i = -1;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[i]);
    }

    @Test
    void durationsReadAsFormatWritesThem() {
        for (long ms = 0; ms < 12_000; ms++) {
            assertEquals(String.format(Locale.ROOT, ms < 10_000 ? "%.1f s" : "0:%2$02d", ms / 1000.0, ms / 1000),
                    Units.duration(ms), "duration " + ms);
        }
        assertEquals("1:00", Units.duration(60_000));
        assertEquals("59:59", Units.duration(3_599_999));
        assertEquals("1:00:00", Units.duration(3_600_000));
        assertEquals("100:02:03", Units.duration((100 * 3600 + 2 * 60 + 3) * 1000L + 999));
    }

    @Test
    void localTimesReadAsTheListingsPatternWritesThem() {
        for (String zone : new String[] {"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"}) {
            DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of(zone));
            TimeZone z = TimeZone.getTimeZone(zone);
            for (int i = 0; i < 5000; i++) {
                // years 1900 to 9987, and most of them around now, where the zones' rules changed most.
                // Before a zone's first rule (Berlin: 1893) the two differ: java.time gives the local
                // mean time of the zone's city (+0:53:28), TimeZone the zone's standard offset (+1:00).
                Instant t = i % 2 == 0 ? Instant.ofEpochSecond(RANDOM.nextLong(-2_208_988_800L, 253_000_000_000L))
                        : Instant.ofEpochSecond(RANDOM.nextLong(-2_000_000_000L, 4_200_000_000L), RANDOM.nextInt(1_000_000_000));
                assertEquals(f.format(t), Units.localTime(t, z), zone + " " + t);
            }
        }
        assertEquals("0042-01-02 03:04:05", Units.localTime(Instant.parse("0042-01-02T03:04:05.999Z"), TimeZone.getTimeZone("UTC")));
        assertEquals("1970-01-01 01:00:00", Units.localTime(Instant.EPOCH, TimeZone.getTimeZone("Europe/Berlin")));
        // a manifest may name any moment Instant.parse reads: far beyond a file's, the same text still
        Instant far = Instant.parse("+300000000-01-01T00:00:00Z");
        assertEquals(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("UTC")).format(far),
                Units.localTime(far, TimeZone.getTimeZone("UTC")));
    }
}
