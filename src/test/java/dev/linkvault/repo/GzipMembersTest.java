package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** A manifest's blocks: gzip members any reader reads as one stream, each readable alone from where it starts. */
class GzipMembersTest {
    @Test
    void membersReadAsOneStreamAndEachAloneFromItsOffset() throws IOException {
        Random r = new Random(11);
        byte[][] parts = new byte[4][];
        parts[0] = "linkvault manifest 1\n".getBytes();
        parts[1] = new byte[300_000]; // more than the output buffer: compressed in several drains
        r.nextBytes(parts[1]);
        parts[2] = "F\t0644\t3\t2026-11-21T10:00:00Z\tabc\tdocs/a\n".repeat(5000).getBytes();
        parts[3] = new byte[] {7};
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int[] offsets = new int[parts.length];
        try (GzipMembers gz = new GzipMembers(file, Deflater.BEST_SPEED)) {
            for (int i = 0; i < parts.length; i++) {
                gz.endMember();
                offsets[i] = file.size();
                // in pieces, as a writer's buffer hands them over
                for (int at = 0; at < parts[i].length; at += 8191) {
                    gz.write(parts[i], at, Math.min(8191, parts[i].length - at));
                }
            }
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.write(p);
        }
        byte[] bytes = file.toByteArray();
        assertArrayEquals(all.toByteArray(), new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes());
        for (int i = 0; i < parts.length; i++) {
            int end = i + 1 < parts.length ? offsets[i + 1] : bytes.length;
            byte[] member = java.util.Arrays.copyOfRange(bytes, offsets[i], end);
            assertArrayEquals(parts[i], new GZIPInputStream(new ByteArrayInputStream(member)).readAllBytes(),
                    "member " + i + " alone");
        }
    }
}
