package dev.linkvault;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Folders through linkvault's native helper ({@link Native}): a folder's entries with their
 * attributes in one call (readdir, and fstatat relative to the open folder), what the JDK does with
 * a directory stream and one stat by whole path per entry; and links and stats relative to an open
 * folder, as {@code cp -al} makes them, where the JDK walks the whole path each time.
 */
public final class NativeDir {
    private static final int HEADER = 4 * 4 + 6 * 8;

    private NativeDir() {}

    /**
     * One entry. {@code mode} 0: its attributes could not be read (it vanished, say): ask the JDK,
     * which says why. {@code validName} false: the name's bytes are not UTF-8 ({@code name} then
     * shows them as U+FFFD).
     */
    public record Child(String name, boolean validName, int mode, long ino, long dev, long size, Instant mtime,
                        Instant ctime, long links) {}

    /** The entries of {@code dir} (not {@code .} and {@code ..}), in no order; null when the helper is not
     * loaded or the folder cannot be read this way (list it the JDK's way then, which reports why). */
    public static List<Child> list(Path dir) {
        return list(dir, -1, null);
    }

    /**
     * As {@link #list(Path)}, leaving out, when {@code maxLinks >= 0}, each regular file with a plain
     * blob name (38 lowercase hex digits) and more links than {@code maxLinks}, counted in
     * {@code dropped[0]}; unless a name of the folder has a {@code .} (an overflow copy), when all are
     * listed. For gc, which needs only the blobs that may be unused.
     */
    public static List<Child> list(Path dir, int maxLinks, long[] dropped) {
        if (!Native.loaded()) {
            return null;
        }
        byte[] packed = list(dir.toString().getBytes(StandardCharsets.UTF_8), maxLinks, dropped);
        if (packed == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(packed).order(ByteOrder.nativeOrder());
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<Child> out = new ArrayList<>();
        while (b.remaining() >= HEADER) {
            int at = b.position();
            int nameLength = b.getInt(at);
            int mode = b.getInt(at + 4);
            int mtimeNanos = b.getInt(at + 8);
            int ctimeNanos = b.getInt(at + 12);
            long ino = b.getLong(at + 16);
            long dev = b.getLong(at + 24);
            long size = b.getLong(at + 32);
            long mtime = b.getLong(at + 40);
            long ctime = b.getLong(at + 48);
            long links = b.getLong(at + 56);
            String name = ascii(packed, at + HEADER, nameLength);
            boolean valid = true;
            if (name == null) {
                try {
                    name = strict.decode(ByteBuffer.wrap(packed, at + HEADER, nameLength)).toString();
                } catch (CharacterCodingException e) {
                    name = new String(packed, at + HEADER, nameLength, StandardCharsets.UTF_8);
                    valid = false;
                }
            }
            out.add(new Child(name, valid, mode, ino, dev, size, Instant.ofEpochSecond(mtime, mtimeNanos),
                    Instant.ofEpochSecond(ctime, ctimeNanos), links));
            b.position(at + HEADER + nameLength);
        }
        return out;
    }

    /** The name when all its bytes are ASCII (most names: no decoder needed), else null. */
    private static String ascii(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0) {
                return null;
            }
        }
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** An open folder's descriptor, or -1 when the helper is not loaded or the folder cannot be opened. */
    public static int open(Path dir) {
        if (!Native.loaded()) {
            return -1;
        }
        int fd = open(dir.toString().getBytes(StandardCharsets.UTF_8));
        return fd >= 0 ? fd : -1;
    }

    /** Closes a descriptor {@link #open(Path)} gave (nothing for -1). */
    public static void closeFd(int fd) {
        if (fd >= 0) {
            close(fd);
        }
    }

    /** {@code link(2)} of {@code name} in the open folder {@code fd} to {@code to}: 0, or the errno. */
    public static int link(int fd, String name, Path to) {
        return linkBlob(fd, name, -1, AT_FDCWD, to.toString());
    }

    /**
     * {@code link(2)} of {@code name} in the open folder {@code fd} to {@code to} in the open folder
     * {@code dir} ({@link #AT_FDCWD}: {@code to} is a path). When {@code size >= 0}, only if
     * {@code name} is a regular file of {@code size} bytes (looked at without following a
     * symlink, in the same call). 0; {@link #NOT_INTACT} when it is missing or not such a file, and
     * nothing was linked; else the errno.
     */
    public static int linkBlob(int fd, String name, long size, int dir, String to) {
        return linkBlob(fd, name.getBytes(StandardCharsets.UTF_8), size, dir,
                to.getBytes(StandardCharsets.UTF_8));
    }

    /** What {@link #linkBlob} says when the file to link is missing or not a regular file of the size asked. */
    public static final int NOT_INTACT = -1;

    /** The "folder" that makes a name a path of its own (absolute, or relative to the working folder). */
    public static final int AT_FDCWD = -100;

    /**
     * Renames {@code from} to {@code name} in the open folder {@code fd} unless something has that
     * name ({@code renameat2} with {@code RENAME_NOREPLACE}): 0, or the errno ({@link #EEXIST} when
     * the name is taken, {@link #EINVAL} where the filesystem cannot do it).
     */
    public static int renameNew(Path from, int fd, String name) {
        return renameNew(from.toString().getBytes(StandardCharsets.UTF_8), fd, name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates {@code name} in the open folder {@code fd} (never over anything, mode {@code mode})
     * holding the first {@code length} bytes of {@code data}, with modification time {@code mtime}
     * (and {@code mode} set once more when {@code chmod}: a umask clears bits of it): one call for an
     * open, the writes and the time. 0, or the errno (the file then does not exist).
     */
    public static int createFile(int fd, String name, byte[] data, int length, int mode, boolean chmod, Instant mtime) {
        return createFile(fd, name.getBytes(StandardCharsets.UTF_8), data, length, mode, chmod, mtime.getEpochSecond(),
                mtime.getNano());
    }

    /**
     * Reads the regular file {@code path} (never through a symlink) into {@code data[off, off + len)} in
     * one call, and takes its attributes after the read from the same open file: size, mtime
     * seconds, mtime nanoseconds, ctime seconds, ctime nanoseconds, inode, and 1 at [6] when the end
     * was reached (else it holds more than {@code len} bytes), into {@code stat} (7 longs). How many
     * bytes were read; {@link #NOT_REGULAR} when the name is not a regular file; else a negated errno
     * (ask the JDK then, which says why).
     */
    public static int readFile(Path path, byte[] data, int off, int len, long[] stat) {
        return readFile(path.toString().getBytes(StandardCharsets.UTF_8), data, off, len, stat);
    }

    /**
     * The folder {@code name} of the open folder {@code fd} ({@link #AT_FDCWD}: {@code name} is a
     * path), opened, its last part never through a symlink: its descriptor, or -1.
     */
    public static int openAt(int fd, String name) {
        if (!Native.loaded() || (fd < 0 && fd != AT_FDCWD)) {
            return -1;
        }
        int sub = openAt(fd, name.getBytes(StandardCharsets.UTF_8));
        return sub >= 0 ? sub : -1;
    }

    /**
     * Removes the folder {@code name} of the open folder {@code fd} with everything in it (never
     * following a symlink, no path walked), as {@code rm -rf} does: readdir, and unlinkat relative to
     * each open folder. 0, or the errno of the first failure (ENOENT when it is not there, ENOTDIR when
     * it is no folder), perhaps with part of it removed: the caller goes on the JDK's way, which says
     * why. -1 without the helper or the folder.
     */
    public static int removeTree(int fd, String name) {
        return Native.loaded() && fd >= 0 ? removeTreeAt(fd, name.getBytes(StandardCharsets.UTF_8)) : -1;
    }

    public static final int NOT_REGULAR = -100000;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;

    /**
     * The size of {@code name} in the open folder {@code fd} when it is a regular file (a symlink
     * not followed); -1 when it is something else; -2 when that cannot be told (absent, say).
     */
    public static long regularSize(int fd, String name) {
        return regularSize(fd, name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code syncfs(2)} of the filesystem that holds the open folder {@code fd}: every file's
     * written bytes and metadata there made durable in one call; 0, or the errno.
     */
    public static int syncFilesystem(int fd) {
        return syncFs(fd);
    }

    private static native byte[] list(byte[] path, int maxLinks, long[] dropped);

    private static native int syncFs(int fd);

    private static native int open(byte[] path);

    private static native void close(int fd);

    private static native int linkBlob(int fd, byte[] name, long size, int dir, byte[] to);

    private static native int renameNew(byte[] from, int fd, byte[] name);

    private static native int createFile(int fd, byte[] name, byte[] data, int length, int mode, boolean chmod,
                                         long seconds, int nanos);

    private static native long regularSize(int fd, byte[] name);

    private static native int readFile(byte[] path, byte[] data, int off, int len, long[] stat);

    private static native int openAt(int fd, byte[] name);

    private static native int removeTreeAt(int fd, byte[] name);
}
