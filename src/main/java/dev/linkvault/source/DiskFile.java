package dev.linkvault.source;

import dev.linkvault.Native;
import dev.linkvault.NativeDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * A file on a disk of this machine, read as it is (never through a symlink), then asked whether
 * it changed meanwhile by taking its fingerprint again.
 *
 * <p>With the native helper, a read that asks for at least {@link #NATIVE_READ} bytes opens, reads and
 * closes the file in one call, and the fingerprint after the read comes from the same open file
 * (fstat): what was read is then known to be the content of the file that fingerprint describes.
 * A file larger than what was asked for is read on through a channel; without the helper, or when
 * that call fails, the JDK reads it, and says why it cannot.
 */
public final class DiskFile implements Content {
    /** The attributes a fingerprint is made of. */
    public record Stat(long size, Instant mtime, Instant ctime, long ino) {}

    /** How a source fingerprints one of its files. */
    public interface Fingerprinter {
        String of(Stat s);
    }

    /** Below this a read goes the JDK's way: only a caller that reads a whole small file at once gains. */
    static final int NATIVE_READ = 8192;

    private final Path path;
    private final Fingerprinter fingerprinter;
    /** The fingerprint the last read took from its open file when it read to the end, else null. */
    private volatile String afterRead;

    public DiskFile(Path path, Fingerprinter fingerprinter) {
        this.path = path;
        this.fingerprinter = fingerprinter;
    }

    public Path path() {
        return path;
    }

    /** What a fingerprint is made of, now, by the path (the JDK's {@code unix:} attributes, no symlink followed). */
    public static Stat stat(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:size,lastModifiedTime,ctime,ino", LinkOption.NOFOLLOW_LINKS);
        return new Stat((Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).toInstant(),
                ((FileTime) a.get("ctime")).toInstant(), (Long) a.get("ino"));
    }

    @Override
    public InputStream open() throws IOException {
        afterRead = null;
        if (!Native.loaded()) {
            return jdkStream();
        }
        return new Stream();
    }

    /**
     * The JDK's stream, after a look at what has the name: its open of a named pipe would wait for
     * a writer, and of a symlink says "too many levels of symbolic links" (the native call opens
     * without waiting or following, and comes here for what it cannot read).
     */
    private InputStream jdkStream() throws IOException {
        try {
            if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                throw new IOException("not a regular file any more");
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // the open below says so, as it always did
        }
        return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean stillMatches(String fingerprint) throws IOException {
        String after = afterRead;
        return (after != null ? after : fingerprinter.of(stat(path))).equals(fingerprint);
    }

    /** Reads the file natively on the first read when it asks for enough, else the JDK's way. */
    private final class Stream extends InputStream {
        private InputStream rest;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (rest != null) {
                return rest.read(b, off, len);
            }
            if (len < NATIVE_READ) {
                rest = jdkStream();
                return rest.read(b, off, len);
            }
            long[] st = new long[7];
            int n = NativeDir.readFile(path, b, off, len, st);
            if (n == NativeDir.NOT_REGULAR) {
                throw new IOException("not a regular file any more");
            }
            if (n < 0) {
                rest = jdkStream(); // it says why
                return rest.read(b, off, len);
            }
            if (st[6] == 1) {
                ended = true;
                afterRead = fingerprinter.of(new Stat(st[0], Instant.ofEpochSecond(st[1], st[2]),
                        Instant.ofEpochSecond(st[3], st[4]), st[5]));
                return n == 0 ? -1 : n;
            }
            // more than was asked for: the rest through a channel, from where the call stopped
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            try {
                ch.position(n);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            rest = Channels.newInputStream(ch);
            return n;
        }

        @Override
        public void close() throws IOException {
            ended = true;
            if (rest != null) {
                rest.close();
            }
        }
    }
}
