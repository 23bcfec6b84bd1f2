package dev.linkvault;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Moments as ISO-8601 UTC text, exactly as {@link Instant#toString} writes them and
 * {@link Instant#parse} reads them, by hand: the manifest holds one per entry, and java.time's
 * formatter was 15% of the committer's work in an unchanged snapshot (InstantsTest compares them).
 */
public final class Instants {
    private Instants() {}

    /** {@code t.toString()}: {@code 2026-12-02T16:54:44Z}, {@code ...44.120Z}, {@code ...44.123456Z}, {@code ...44.123456789Z}. */
    public static String text(Instant t) {
        long sec = t.getEpochSecond();
        if (sec < MIN || sec > MAX) {
            return t.toString(); // a year before 0 or after 9999: its sign, its digits
        }
        LocalDateTime d = LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC);
        char[] c = new char[30];
        put(c, 0, d.getYear(), 4);
        c[4] = '-';
        put(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, d.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, d.getHour(), 2);
        c[13] = ':';
        put(c, 14, d.getMinute(), 2);
        c[16] = ':';
        put(c, 17, d.getSecond(), 2);
        int n = 19;
        int nanos = t.getNano();
        if (nanos != 0) {
            c[n++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(c, n, nanos / 1_000_000, 3);
                n += 3;
            } else if (nanos % 1000 == 0) {
                put(c, n, nanos / 1000, 6);
                n += 6;
            } else {
                put(c, n, nanos, 9);
                n += 9;
            }
        }
        c[n++] = 'Z';
        return new String(c, 0, n);
    }

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
    private static final long MIN = -62_167_219_200L;
    private static final long MAX = 253_402_300_799L;

    /** {@code v} as {@code width} decimal digits, zeros in front, at {@code c[at]}. */
    private static void put(char[] c, int at, int v, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + v % 10);
            v /= 10;
        }
    }

    /**
     * The moment an ISO-8601 UTC text names, as {@link Instant#parse} reads it. The form
     * linkvault writes ({@code Instant.toString()}: {@code 2026-12-02T16:54:44.123Z}) is read by
     * hand, several times faster than Instant.parse, and without java.time's formatters (a short
     * command's start); any other form goes to Instant.parse.
     */
    public static Instant parse(String iso) {
        int n = iso.length();
        if (n >= 20 && n <= 30 && iso.charAt(4) == '-' && iso.charAt(7) == '-' && iso.charAt(10) == 'T'
                && iso.charAt(13) == ':' && iso.charAt(16) == ':' && iso.charAt(n - 1) == 'Z'
                && digits(iso, 0, 4) && digits(iso, 5, 7) && digits(iso, 8, 10) && digits(iso, 11, 13)
                && digits(iso, 14, 16) && digits(iso, 17, 19)
                && (n == 20 || iso.charAt(19) == '.' && n > 21 && digits(iso, 20, n - 1))) {
            int nanos = 0;
            for (int i = 20; i < 29; i++) {
                nanos = nanos * 10 + (i < n - 1 ? iso.charAt(i) - '0' : 0);
            }
            try {
                return LocalDateTime.of(number(iso, 0, 4), number(iso, 5, 7), number(iso, 8, 10),
                        number(iso, 11, 13), number(iso, 14, 16), number(iso, 17, 19), nanos)
                        .toInstant(ZoneOffset.UTC);
            } catch (java.time.DateTimeException e) {
                // a month 13 or a second 60: Instant.parse says what is wrong, or reads a leap second
            }
        }
        return Instant.parse(iso);
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String s, int from, int to) {
        return Integer.parseInt(s, from, to, 10);
    }
}
