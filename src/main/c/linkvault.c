/*
 * linkvault's native helper (liblinkvault.so), built by src/build/native.sh and loaded by
 * dev.linkvault.Native when present. Only speed: without it the JDK's code does the same work.
 *
 * Digests (dev.linkvault.NativeDigest) through the machine's libcrypto, found at run time with dlopen, so that building needs
 * no OpenSSL headers and a machine without libcrypto still loads this library (init() says no).
 * The JVM's quick compiler (C1, which the launcher uses) has no SHA-1 intrinsic: there SHA-1 runs
 * at about a sixth of libcrypto's speed, which uses the CPU's SHA instructions (bench/RESULTS.md, "JIT").
 *
 * A digest's state lives in a Java byte[] (sized by ctxSize()), pinned for the length of a call,
 * so nothing native is allocated and nothing needs freeing.
 */
#define _GNU_SOURCE /* syncfs, renameat2 */
#include <jni.h>
#include <dirent.h>
#include <limits.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * The layout of what this library hands to Java (the packed listing, the functions): raised with
 * each change, and compared by dev.linkvault.Native on loading, so that a library left over from
 * another build is not used (its listing would be misread).
 */
#define LINKVAULT_ABI 10

JNIEXPORT jint JNICALL Java_dev_linkvault_Native_abi(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return LINKVAULT_ABI;
}

typedef int (*init_fn)(void *ctx);
typedef int (*update_fn)(void *ctx, const void *data, size_t len);
typedef int (*final_fn)(unsigned char *md, void *ctx);

struct algorithm {
    const char *init, *update, *final;
    init_fn do_init;
    update_fn do_update;
    final_fn do_final;
};

/* in the order of NativeDigest's algorithm numbers: 0 SHA-1, 1 SHA-256, 2 MD5 */
static struct algorithm algorithms[] = {
    {"SHA1_Init", "SHA1_Update", "SHA1_Final", NULL, NULL, NULL},
    {"SHA256_Init", "SHA256_Update", "SHA256_Final", NULL, NULL, NULL},
    {"MD5_Init", "MD5_Update", "MD5_Final", NULL, NULL, NULL},
};
#define ALGORITHMS (sizeof algorithms / sizeof algorithms[0])

/* larger than SHA_CTX (96 bytes), SHA256_CTX (112) and MD5_CTX (92) of OpenSSL 1.1 and 3 */
#define CTX_SIZE 256

static const char *libraries[] = {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"};

JNIEXPORT jstring JNICALL Java_dev_linkvault_NativeDigest_init(JNIEnv *env, jclass cls) {
    (void) cls;
    for (size_t l = 0; l < sizeof libraries / sizeof libraries[0]; l++) {
        void *h = dlopen(libraries[l], RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) {
            continue;
        }
        int all = 1;
        for (size_t a = 0; a < ALGORITHMS; a++) {
            struct algorithm *alg = &algorithms[a];
            alg->do_init = (init_fn) dlsym(h, alg->init);
            alg->do_update = (update_fn) dlsym(h, alg->update);
            alg->do_final = (final_fn) dlsym(h, alg->final);
            if (alg->do_init == NULL || alg->do_update == NULL || alg->do_final == NULL) {
                all = 0;
            }
        }
        if (all) {
            return (*env)->NewStringUTF(env, libraries[l]);
        }
        dlclose(h);
    }
    return NULL;
}

JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDigest_ctxSize(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return CTX_SIZE;
}

JNIEXPORT void JNICALL Java_dev_linkvault_NativeDigest_begin(JNIEnv *env, jclass cls, jint alg, jbyteArray ctx) {
    (void) cls;
    void *c = (*env)->GetPrimitiveArrayCritical(env, ctx, NULL);
    if (c == NULL) {
        return; /* an OutOfMemoryError is pending */
    }
    algorithms[alg].do_init(c);
    (*env)->ReleasePrimitiveArrayCritical(env, ctx, c, 0);
}

JNIEXPORT void JNICALL Java_dev_linkvault_NativeDigest_update(JNIEnv *env, jclass cls, jint alg, jbyteArray ctx,
                                                               jbyteArray data, jint off, jint len) {
    (void) cls;
    void *c = (*env)->GetPrimitiveArrayCritical(env, ctx, NULL);
    if (c == NULL) {
        return;
    }
    jbyte *d = (*env)->GetPrimitiveArrayCritical(env, data, NULL);
    if (d == NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, ctx, c, JNI_ABORT);
        return;
    }
    algorithms[alg].do_update(c, d + off, (size_t) len);
    (*env)->ReleasePrimitiveArrayCritical(env, data, d, JNI_ABORT);
    (*env)->ReleasePrimitiveArrayCritical(env, ctx, c, 0);
}

JNIEXPORT void JNICALL Java_dev_linkvault_NativeDigest_finish(JNIEnv *env, jclass cls, jint alg, jbyteArray ctx,
                                                               jbyteArray out) {
    (void) cls;
    void *c = (*env)->GetPrimitiveArrayCritical(env, ctx, NULL);
    if (c == NULL) {
        return;
    }
    jbyte *o = (*env)->GetPrimitiveArrayCritical(env, out, NULL);
    if (o == NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, ctx, c, JNI_ABORT);
        return;
    }
    algorithms[alg].do_final((unsigned char *) o, c);
    (*env)->ReleasePrimitiveArrayCritical(env, out, o, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, ctx, c, 0);
}

/* a Java byte[] as a NUL-terminated C string, malloc'd; NULL when out of memory */
static char *path_of(JNIEnv *env, jbyteArray path) {
    jsize n = (*env)->GetArrayLength(env, path);
    char *p = malloc((size_t) n + 1);
    if (p != NULL) {
        (*env)->GetByteArrayRegion(env, path, 0, n, (jbyte *) p);
        p[n] = 0;
    }
    return p;
}

/*
 * One folder's entries with their attributes, in one call: readdir, and fstatat relative to the
 * open folder (never following a symlink), as ls -l and find do, rather than one stat by whole
 * path per entry. Packed for dev.linkvault.NativeDir, in the machine's byte order, per entry:
 * int32 name length, int32 mode (0: its fstatat failed), int32 mtime ns, int32 ctime ns,
 * int64 ino, dev, size, mtime s, ctime s, link count, then the name's bytes. NULL when the folder cannot be
 * opened or read: the caller then lists it the JDK's way, which reports the error.
 *
 * MAX_LINKS >= 0 (gc of a store without ETag aliases, where a blob with more links is in use and stays):
 * a regular file whose name is a plain blob name (38 lowercase hex digits) and that has more links than that is
 * left out and counted in DROPPED[0], unless some name of the folder has a '.' (an overflow copy: a blob
 * is then decided with its copies, so all of them are listed).
 */
#define HEADER (4 * 4 + 6 * 8)
#define BLOB_NAME 38

/* whether the N bytes at S are all lowercase hex digits, as a blob's name is */
static int lower_hex(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* leaves out of the packed listing BUF (LEN bytes) the entries MAX_LINKS says to; the new length */
static size_t drop_used(unsigned char *buf, size_t len, int64_t max_links, int64_t *dropped) {
    for (size_t at = 0; at < len;) {
        int32_t nlen;
        memcpy(&nlen, buf + at, sizeof nlen);
        if (memchr(buf + at + HEADER, '.', (size_t) nlen) != NULL) {
            return len;
        }
        at += HEADER + (size_t) nlen;
    }
    size_t out = 0;
    for (size_t at = 0; at < len;) {
        int32_t ints[4];
        int64_t longs[6];
        memcpy(ints, buf + at, sizeof ints);
        memcpy(longs, buf + at + sizeof ints, sizeof longs);
        size_t size = HEADER + (size_t) ints[0];
        if (S_ISREG((mode_t) ints[1]) && ints[0] == BLOB_NAME && longs[5] > max_links
            && lower_hex(buf + at + HEADER, BLOB_NAME)) {
            (*dropped)++;
        } else {
            memmove(buf + out, buf + at, size);
            out += size;
        }
        at += size;
    }
    return out;
}

JNIEXPORT jbyteArray JNICALL Java_dev_linkvault_NativeDir_list(JNIEnv *env, jclass cls, jbyteArray path,
                                                               jint max_links, jlongArray dropped) {
    (void) cls;
    char *p = path_of(env, path);
    if (p == NULL) {
        return NULL;
    }
    int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    free(p);
    if (fd < 0) {
        return NULL;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return NULL;
    }
    size_t cap = 64 * 1024, len = 0;
    unsigned char *buf = malloc(cap);
    int failed = buf == NULL;
    struct dirent *e;
    while (!failed) {
        errno = 0;
        e = readdir(d);
        if (e == NULL) {
            failed = errno != 0;
            break;
        }
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) {
            continue;
        }
        size_t nlen = strlen(e->d_name);
        if (len + HEADER + nlen > cap) {
            size_t bigger = (cap + HEADER + nlen) * 2;
            unsigned char *b = realloc(buf, bigger);
            if (b == NULL) {
                failed = 1;
                break;
            }
            buf = b;
            cap = bigger;
        }
        struct stat st;
        int32_t ints[4] = {(int32_t) nlen, 0, 0, 0};
        int64_t longs[6] = {0, 0, 0, 0, 0, 0};
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            ints[1] = (int32_t) st.st_mode;
            ints[2] = (int32_t) st.st_mtim.tv_nsec;
            ints[3] = (int32_t) st.st_ctim.tv_nsec;
            longs[0] = (int64_t) st.st_ino;
            longs[1] = (int64_t) st.st_dev;
            longs[2] = (int64_t) st.st_size;
            longs[3] = (int64_t) st.st_mtim.tv_sec;
            longs[4] = (int64_t) st.st_ctim.tv_sec;
            longs[5] = (int64_t) st.st_nlink;
        }
        memcpy(buf + len, ints, sizeof ints);
        memcpy(buf + len + sizeof ints, longs, sizeof longs);
        memcpy(buf + len + HEADER, e->d_name, nlen);
        len += HEADER + nlen;
    }
    closedir(d);
    jbyteArray out = NULL;
    if (!failed && max_links >= 0 && dropped != NULL) {
        int64_t n = 0;
        len = drop_used(buf, len, max_links, &n);
        jlong j = (jlong) n;
        (*env)->SetLongArrayRegion(env, dropped, 0, 1, &j);
    }
    if (!failed) {
        out = (*env)->NewByteArray(env, (jsize) len);
        if (out != NULL) {
            (*env)->SetByteArrayRegion(env, out, 0, (jsize) len, (jbyte *) buf);
        }
    }
    free(buf);
    return out;
}

/*
 * Hard links and stats relative to an open folder (dev.linkvault.NativeDir), as cp -al works:
 * the kernel then walks one name rather than the whole path from the root for each of a
 * snapshot's files. Each returns 0 or an errno; the caller then asks the JDK, which says why.
 */

/* an open folder's descriptor, or -errno */
JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_open(JNIEnv *env, jclass cls, jbyteArray path) {
    (void) cls;
    char *p = path_of(env, path);
    if (p == NULL) {
        return -ENOMEM;
    }
    int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int err = errno;
    free(p);
    return fd >= 0 ? fd : -err;
}

JNIEXPORT void JNICALL Java_dev_linkvault_NativeDir_close(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    close(fd);
}

/* a Java byte[] into a NUL-terminated buffer of CAP bytes; 0 when it does not fit */
static int copy_in(JNIEnv *env, jbyteArray b, char *buf, size_t cap) {
    jsize n = (*env)->GetArrayLength(env, b);
    if ((size_t) n >= cap) {
        return 0;
    }
    (*env)->GetByteArrayRegion(env, b, 0, n, (jbyte *) buf);
    buf[n] = 0;
    return 1;
}

/*
 * link(2) of NAME in the open folder FD to TO in the open folder DIR (AT_FDCWD: TO is a path,
 * absolute or relative to the working folder). When SIZE >= 0, NAME is first looked at, never
 * through a symlink: linked only if it is a regular file of SIZE bytes, what a catalog hit must be
 * before its blob goes into a snapshot (the check and the link in one call). 0; NOT_INTACT when
 * NAME is missing or not such a file (nothing linked); else the errno.
 */
#define NOT_INTACT (-1)

JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_linkBlob(JNIEnv *env, jclass cls, jint fd, jbyteArray name,
                                                             jlong size, jint dir, jbyteArray to) {
    (void) cls;
    char n[NAME_MAX + 1], t[PATH_MAX];
    if (!copy_in(env, name, n, sizeof n) || !copy_in(env, to, t, sizeof t)) {
        return ENAMETOOLONG;
    }
    if (size >= 0) {
        struct stat st;
        if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            return errno == ENOENT ? NOT_INTACT : errno;
        }
        if (!S_ISREG(st.st_mode) || st.st_size != size) {
            return NOT_INTACT;
        }
    }
    return linkat(fd, n, dir, t, 0) == 0 ? 0 : errno;
}

/*
 * A new file NAME in the folder FD (O_EXCL, mode MODE) holding the first LEN bytes of DATA, with
 * the modification time SECONDS.NANOS (the access time left) and, when CHMOD (a umask that clears
 * bits of MODE), MODE set again: one call, where the JDK opens by whole path, writes through a
 * channel's native buffer, and opens the file a second time to set its time. 0, or the errno; the
 * file is removed again when anything after its creation fails.
 */
JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_createFile(JNIEnv *env, jclass cls, jint fd, jbyteArray name,
                                                               jbyteArray data, jint len, jint mode, jboolean chmod,
                                                               jlong seconds, jint nanos) {
    (void) cls;
    char n[NAME_MAX + 1], small[64 * 1024];
    if (!copy_in(env, name, n, sizeof n)) {
        return ENAMETOOLONG;
    }
    if (len < 0 || len > (*env)->GetArrayLength(env, data)) {
        return EINVAL;
    }
    char *buf = (size_t) len <= sizeof small ? small : malloc((size_t) len);
    if (buf == NULL) {
        return ENOMEM;
    }
    (*env)->GetByteArrayRegion(env, data, 0, len, (jbyte *) buf);
    int err = 0;
    int out = openat(fd, n, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, (mode_t) mode);
    if (out < 0) {
        err = errno;
    } else {
        for (jint done = 0; done < len && err == 0;) {
            ssize_t w = write(out, buf + done, (size_t) (len - done));
            if (w < 0) {
                err = errno == EINTR ? 0 : errno;
            } else if (w == 0) {
                err = EIO; /* no progress: never loop on it */
            } else {
                done += (jint) w;
            }
        }
        struct timespec times[2] = {{0, UTIME_OMIT}, {(time_t) seconds, nanos}};
        if (err == 0 && chmod && fchmod(out, (mode_t) mode) != 0) {
            err = errno;
        }
        if (err == 0 && futimens(out, times) != 0) {
            err = errno;
        }
        if (close(out) != 0 && err == 0) {
            err = errno;
        }
        if (err != 0) {
            unlinkat(fd, n, 0);
        }
    }
    if (buf != small) {
        free(buf);
    }
    return err;
}

/* renameat2(2) of the path FROM to NAME in the folder FD, never replacing what has that name
   (RENAME_NOREPLACE: EEXIST then); 0, or the errno (EINVAL where the filesystem cannot) */
JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_renameNew(JNIEnv *env, jclass cls, jbyteArray from, jint fd,
                                                              jbyteArray name) {
    (void) cls;
    char f[PATH_MAX], n[NAME_MAX + 1];
    if (!copy_in(env, from, f, sizeof f) || !copy_in(env, name, n, sizeof n)) {
        return ENAMETOOLONG;
    }
    return renameat2(AT_FDCWD, f, fd, n, RENAME_NOREPLACE) == 0 ? 0 : errno;
}

/* the size of NAME in the folder FD when it is a regular file (not following a symlink); -1 when
   it is something else; -2 when it cannot be told (absent, say) */
JNIEXPORT jlong JNICALL Java_dev_linkvault_NativeDir_regularSize(JNIEnv *env, jclass cls, jint fd, jbyteArray name) {
    (void) cls;
    char n[NAME_MAX + 1];
    struct stat st;
    if (!copy_in(env, name, n, sizeof n) || fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return -2;
    }
    return S_ISREG(st.st_mode) ? (jlong) st.st_size : -1;
}

/*
 * The regular file PATH (never through a symlink) read into DATA[OFF, OFF + LEN) in one call, and
 * its attributes after the read from fstat of the same descriptor: the bytes read are then known
 * to be the content of the file those attributes describe (a re-check by path would stat a name,
 * which may by then be another file). Where the JDK opens a channel, reads through its native
 * buffer until a read returns nothing, and stats the whole path again.
 * Returns how many bytes were read, or -errno; NOT_REGULAR when what has that name is not a regular
 * file (opened without blocking, so a named pipe put there does not hang the run). STAT gets
 * size, mtime s, mtime ns, ctime s, ctime ns, ino, and 1 at [6] when the file's end was reached
 * (else the file holds more than LEN bytes: LEN were read, the caller reads on).
 */
#define NOT_REGULAR (-100000)

JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_readFile(JNIEnv *env, jclass cls, jbyteArray path,
                                                             jbyteArray data, jint off, jint len, jlongArray stat) {
    (void) cls;
    char p[PATH_MAX], chunk[64 * 1024];
    if (!copy_in(env, path, p, sizeof p)) {
        return -ENAMETOOLONG;
    }
    if (off < 0 || len < 0 || off > (*env)->GetArrayLength(env, data) - len || (*env)->GetArrayLength(env, stat) < 7) {
        return -EINVAL;
    }
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    int err = 0, end = 0;
    jint done = 0;
    while (done < len) {
        size_t want = (size_t) (len - done) < sizeof chunk ? (size_t) (len - done) : sizeof chunk;
        ssize_t r = read(fd, chunk, want);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            err = errno;
            break;
        }
        if (r == 0) {
            end = 1;
            break;
        }
        (*env)->SetByteArrayRegion(env, data, off + done, (jsize) r, (jbyte *) chunk);
        done += (jint) r;
    }
    struct stat st;
    if (err == 0 && fstat(fd, &st) != 0) {
        err = errno;
    }
    close(fd);
    if (err != 0) {
        return err == EAGAIN ? NOT_REGULAR : -err;
    }
    if (!S_ISREG(st.st_mode)) {
        return NOT_REGULAR;
    }
    if (!end && st.st_size == (off_t) done) {
        end = 1; /* exactly LEN bytes: all of it, as fstat saw the file after the read */
    }
    jlong out[7] = {(jlong) st.st_size, (jlong) st.st_mtim.tv_sec, (jlong) st.st_mtim.tv_nsec,
                    (jlong) st.st_ctim.tv_sec, (jlong) st.st_ctim.tv_nsec, (jlong) st.st_ino, end};
    (*env)->SetLongArrayRegion(env, stat, 0, 7, out);
    return done;
}

/*
 * Removes the folder NAME of the open folder PARENT with everything in it, never following a symlink:
 * readdir, and unlinkat relative to each open folder, as rm -rf does, where the JDK makes a path and
 * an exception per name. No path is walked: a folder swapped for a symlink meanwhile is not entered. A folder is emptied again when removing it finds it not empty (a
 * filesystem may skip entries removed while it is read). 0, or the errno of the first failure (the
 * caller then goes on the JDK's way, which says what and why). One descriptor per level of depth.
 */
static int remove_tree_at(int parent, const char *name) {
    for (int pass = 0; pass < 3; pass++) {
        int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            return errno == ENOENT ? 0 : errno;
        }
        DIR *d = fdopendir(fd);
        if (d == NULL) {
            int err = errno;
            close(fd);
            return err;
        }
        int err = 0;
        struct dirent *e;
        while (err == 0) {
            errno = 0;
            e = readdir(d);
            if (e == NULL) {
                err = errno;
                break;
            }
            if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) {
                continue;
            }
            if (e->d_type == DT_DIR) {
                err = remove_tree_at(dirfd(d), e->d_name);
            } else if (unlinkat(dirfd(d), e->d_name, 0) != 0) {
                if (errno == EISDIR || errno == EPERM) {
                    err = remove_tree_at(dirfd(d), e->d_name); /* a folder the listing did not type */
                } else if (errno != ENOENT) {
                    err = errno;
                }
            }
        }
        closedir(d);
        if (err != 0) {
            return err;
        }
        if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT) {
            return 0;
        }
        if (errno != ENOTEMPTY && errno != EEXIST) {
            return errno;
        }
    }
    return ENOTEMPTY;
}

/*
 * openat(2) of the folder NAME of the open folder FD (AT_FDCWD: NAME is a path), its last part never
 * a symlink: its descriptor, or -errno
 */
JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_openAt(JNIEnv *env, jclass cls, jint fd, jbyteArray name) {
    (void) cls;
    char n[PATH_MAX];
    if (!copy_in(env, name, n, sizeof n)) {
        return -ENAMETOOLONG;
    }
    int sub = openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return sub >= 0 ? sub : -errno;
}

/* remove_tree_at of NAME in the open folder FD: 0, or the errno (ENOENT when it is not there) */
JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_removeTreeAt(JNIEnv *env, jclass cls, jint fd, jbyteArray name) {
    (void) cls;
    char n[NAME_MAX + 1];
    struct stat st;
    if (!copy_in(env, name, n, sizeof n)) {
        return ENAMETOOLONG;
    }
    if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return errno; /* not there (or a name the caller spelled otherwise): said, not taken as done */
    }
    if (!S_ISDIR(st.st_mode)) {
        return ENOTDIR;
    }
    return remove_tree_at(fd, n);
}

/* syncfs(2) of the filesystem that holds the open folder FD: 0, or the errno */
JNIEXPORT jint JNICALL Java_dev_linkvault_NativeDir_syncFs(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    return syncfs(fd) == 0 ? 0 : errno;
}
