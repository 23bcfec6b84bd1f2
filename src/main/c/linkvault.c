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
#include <jni.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * One folder's entries with their attributes, in one call: readdir, and fstatat relative to the
 * open folder (never following a symlink), as ls -l and find do, rather than one stat by whole
 * path per entry. Packed for dev.linkvault.NativeDir, in the machine's byte order, per entry:
 * int32 name length, int32 mode (0: its fstatat failed), int32 mtime ns, int32 ctime ns,
 * int64 ino, dev, size, mtime s, ctime s, then the name's bytes. NULL when the folder cannot be
 * opened or read: the caller then lists it the JDK's way, which reports the error.
 */
#define HEADER (4 * 4 + 5 * 8)

JNIEXPORT jbyteArray JNICALL Java_dev_linkvault_NativeDir_list(JNIEnv *env, jclass cls, jbyteArray path) {
    (void) cls;
    jsize plen = (*env)->GetArrayLength(env, path);
    char *p = malloc((size_t) plen + 1);
    if (p == NULL) {
        return NULL;
    }
    (*env)->GetByteArrayRegion(env, path, 0, plen, (jbyte *) p);
    p[plen] = 0;
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
        int64_t longs[5] = {0, 0, 0, 0, 0};
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            ints[1] = (int32_t) st.st_mode;
            ints[2] = (int32_t) st.st_mtim.tv_nsec;
            ints[3] = (int32_t) st.st_ctim.tv_nsec;
            longs[0] = (int64_t) st.st_ino;
            longs[1] = (int64_t) st.st_dev;
            longs[2] = (int64_t) st.st_size;
            longs[3] = (int64_t) st.st_mtim.tv_sec;
            longs[4] = (int64_t) st.st_ctim.tv_sec;
        }
        memcpy(buf + len, ints, sizeof ints);
        memcpy(buf + len + sizeof ints, longs, sizeof longs);
        memcpy(buf + len + HEADER, e->d_name, nlen);
        len += HEADER + nlen;
    }
    closedir(d);
    jbyteArray out = NULL;
    if (!failed) {
        out = (*env)->NewByteArray(env, (jsize) len);
        if (out != NULL) {
            (*env)->SetByteArrayRegion(env, out, 0, (jsize) len, (jbyte *) buf);
        }
    }
    free(buf);
    return out;
}
