package dev.linkvault.repo;

import dev.linkvault.UserError;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer at a time. The lock is an OS file lock ({@code fcntl}) on {@code .linkvault/lock},
 * which the kernel drops when its holder dies, even by SIGKILL; the file's text names the holder
 * (pid, host, start time, command) for the error a second writer gets.
 */
final class RepositoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final String previousHolder;

    private RepositoryLock(FileChannel channel, FileLock lock, String previousHolder) {
        this.channel = channel;
        this.lock = lock;
        this.previousHolder = previousHolder;
    }

    static RepositoryLock acquire(Path file, Path repoRoot, String command) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        try {
            String text = read(ch);
            if (l == null) {
                String holder = text.isBlank() ? "another process" : text.strip();
                throw new UserError(UserError.Kind.LOCKED, "repository " + repoRoot + " is in use by " + holder
                        + "; wait for it to finish (linkvault allows one writer at a time)", null);
            }
            String me = "pid " + dev.linkvault.Pid.current() + " on host " + hostName() + " since " + Instant.now()
                    + " (" + command + ")";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new RepositoryLock(ch, l, text.isBlank() ? null : text.strip());
        } catch (IOException | RuntimeException e) {
            ch.close(); // releases the lock too: a writer that could not start holds nothing
            throw e;
        }
    }

    /** The holder named in a lock file whose process had died without releasing it, or null. */
    String previousHolder() {
        return previousHolder;
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        ch.read(buf, 0);
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.truncate(0);
            lock.release();
            channel.close();
        }
    }
}
