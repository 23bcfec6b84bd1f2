package dev.linkvault;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Human-readable figures for terminal output. They are put together by hand rather than by
 * {@code String.format}: a first format of a number loads the locale data (DecimalFormatSymbols,
 * the CLDR provider), about 15 ms of a short command's start. The figures are those
 * {@code String.format(Locale.ROOT, ...)} gives (UnitsTest compares them).
 */
public final class Units {
    private Units() {}

    public static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double v = n;
        int i = -1;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return fixed(v, v < 10 ? 2 : v < 100 ? 1 : 0) + " " + units[i];
    }

    /** Permission bits as ls shows them: {@code rw-r--r--}. */
    public static String permissions(int mode) {
        String rwx = "rwxrwxrwx";
        StringBuilder sb = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return sb.toString();
    }

    /** {@code n} with a comma between groups of three digits: {@code 1,234,567}. */
    public static String count(long n) {
        String digits = Long.toString(n);
        int sign = n < 0 ? 1 : 0;
        int len = digits.length() - sign;
        if (len <= 3) {
            return digits;
        }
        StringBuilder sb = new StringBuilder(digits.length() + (len - 1) / 3);
        sb.append(digits, 0, sign);
        for (int i = 0; i < len; i++) {
            if (i > 0 && (len - i) % 3 == 0) {
                sb.append(',');
            }
            sb.append(digits.charAt(sign + i));
        }
        return sb.toString();
    }

    /** Under 10 s with a tenth ({@code 4.2 s}), then {@code m:ss}, then {@code h:mm:ss}. */
    public static String duration(long millis) {
        if (millis < 10_000) {
            return fixed(millis / 1000.0, 1) + " s";
        }
        long s = millis / 1000;
        return s >= 3600 ? s / 3600 + ":" + twoDigits(s / 60 % 60) + ":" + twoDigits(s % 60)
                : s / 60 + ":" + twoDigits(s % 60);
    }

    /** {@code v} with {@code decimals} places, as {@code %.Nf} rounds: half up, from the shortest decimal form of v. */
    static String fixed(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * A moment as {@code yyyy-MM-dd HH:mm:ss} in the machine's time zone, as the listings show it:
     * what a DateTimeFormatter of that pattern writes, without what its first use costs a short
     * command (java.time's formatters and its zone rules provider, which reads the time zone
     * database a second time: about 20 ms). The zone's offset comes from {@link java.util.TimeZone},
     * the same rules; only before a zone's first rule (Berlin: 1893) is it the zone's standard
     * offset where java.time would give its city's local mean time.
     */
    public static String localTime(java.time.Instant t) {
        return localTime(t, Local.ZONE);
    }

    /** As {@link #localTime(java.time.Instant)}, in {@code zone}. */
    static String localTime(java.time.Instant t, java.util.TimeZone zone) {
        if (t.getEpochSecond() < -MILLIS_SECONDS || t.getEpochSecond() > MILLIS_SECONDS) {
            // beyond what a TimeZone is asked with (milliseconds in a long): an mtime of no real file
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone.toZoneId()).format(t);
        }
        int offset = zone.getOffset(t.toEpochMilli()) / 1000;
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0,
                java.time.ZoneOffset.ofTotalSeconds(offset));
        int year = d.getYear();
        String y = year >= 0 && year < 1000 ? String.valueOf(10000 + year).substring(1) : String.valueOf(year);
        return y + "-" + twoDigits(d.getMonthValue()) + "-" + twoDigits(d.getDayOfMonth()) + " "
                + twoDigits(d.getHour()) + ":" + twoDigits(d.getMinute()) + ":" + twoDigits(d.getSecond());
    }

    /** About 292 million years: the seconds a millisecond count in a long holds. */
    private static final long MILLIS_SECONDS = Long.MAX_VALUE / 1000 - 1;

    /** The machine's time zone, read once, when first needed. */
    private static final class Local {
        static final java.util.TimeZone ZONE = java.util.TimeZone.getDefault();
    }

    /** 0 to 99 as two digits: {@code 07}. */
    private static String twoDigits(long n) {
        return n < 10 ? "0" + n : Long.toString(n);
    }
}
