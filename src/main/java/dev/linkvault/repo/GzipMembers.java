package dev.linkvault.repo;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip members (RFC 1952) written one after another to one stream, as a manifest's blocks are:
 * any gzip reader reads them as one stream, and each can be inflated alone from its offset. One
 * {@link Deflater} and one buffer serve every member, where a {@code GZIPOutputStream} per member
 * set up a Deflater of its own each time. A member begins with the first byte written after
 * {@link #endMember}.
 */
final class GzipMembers extends OutputStream {
    // magic, deflate, no flags, no mtime, no extra flags, OS unknown
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final OutputStream out;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private final byte[] buf = new byte[64 * 1024];
    private boolean inMember;

    /** @param level a {@link Deflater} level */
    GzipMembers(OutputStream out, int level) {
        this.out = out;
        this.deflater = new Deflater(level, true);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        if (!inMember) {
            out.write(HEADER);
            inMember = true;
        }
        crc.update(b, off, len);
        deflater.setInput(b, off, len);
        while (!deflater.needsInput()) {
            drain();
        }
    }

    /** Ends the member being written, if any: what is still in the deflater, then its CRC and size. */
    void endMember() throws IOException {
        if (!inMember) {
            return;
        }
        deflater.finish();
        while (!deflater.finished()) {
            drain();
        }
        long size = deflater.getBytesRead();
        byte[] trailer = new byte[8];
        int c = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            trailer[i] = (byte) (c >>> (8 * i));
            trailer[4 + i] = (byte) (size >>> (8 * i)); // the size modulo 2^32, as gzip has it
        }
        out.write(trailer);
        deflater.reset();
        crc.reset();
        inMember = false;
    }

    private void drain() throws IOException {
        int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
        if (n > 0) {
            out.write(buf, 0, n);
        }
    }

    /** Ends the member and closes the stream below. */
    @Override
    public void close() throws IOException {
        try {
            endMember();
        } finally {
            deflater.end();
            out.close();
        }
    }
}
