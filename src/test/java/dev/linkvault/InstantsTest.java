package dev.linkvault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Instants writes and reads moments exactly as Instant.toString and Instant.parse do. */
class InstantsTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(5);

    @Test
    void momentsAreWrittenAsInstantToStringWritesThem() {
        for (int i = 0; i < 50_000; i++) {
            int kind = i % 4;
            int nanos = kind == 0 ? 0 : kind == 1 ? RANDOM.nextInt(1000) * 1_000_000
                    : kind == 2 ? RANDOM.nextInt(1_000_000) * 1000 : RANDOM.nextInt(1_000_000_000);
            Instant t = Instant.ofEpochSecond(RANDOM.nextLong(-70_000_000_000L, 260_000_000_000L), nanos);
            assertEquals(t.toString(), Instants.text(t), t::toString);
        }
        for (Instant t : new Instant[] {Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(0, 1),
            Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59Z"), Instant.MIN, Instant.MAX,
            Instant.parse("2026-12-02T16:54:44.100Z"), Instant.parse("2026-12-02T16:54:44.000100Z")}) {
            assertEquals(t.toString(), Instants.text(t), t::toString);
        }
    }

    @Test
    void instantsAreReadAsInstantParseReadsThem() {
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(RANDOM.nextLong(-62_000_000_000L, 253_000_000_000L),
                    i % 3 == 0 ? 0 : i % 3 == 1 ? RANDOM.nextInt(1000) * 1_000_000 : RANDOM.nextInt(1_000_000_000));
            assertEquals(t, Instants.parse(t.toString()), t.toString());
        }
        for (String odd : new String[] {"2026-12-02T16:54:44.1Z", "2026-12-02T16:54:44.123456789Z", "2016-12-31T23:59:60Z",
            "2026-12-02T16:54:44+01:00", "+12026-12-02T16:54:44Z", "2026-12-02T24:00:00Z",
            "2026-12-02T16:54:44.Z", "2026-12-02T16:54Z", "2026-02-30T16:54:44Z"}) {
            Instant expected;
            try {
                expected = Instant.parse(odd);
            } catch (java.time.format.DateTimeParseException e) {
                assertThrows(java.time.format.DateTimeParseException.class, () -> Instants.parse(odd), odd);
                continue;
            }
            assertEquals(expected, Instants.parse(odd), odd);
        }
        assertThrows(java.time.format.DateTimeParseException.class, () -> Instants.parse("2026-13-02T16:54:44Z"));
    }
}
