/*
 * linkvault's native helper (liblinkvault.so), built by src/build/native.sh and loaded by
 * dev.linkvault.NativeDigest when present. Only speed: without it the JDK's code does the same.
 *
 * Digests through the machine's libcrypto, found at run time with dlopen, so that building needs
 * no OpenSSL headers and a machine without libcrypto still loads this library (init() says no).
 * The JVM's quick compiler (C1, which the launcher uses) has no SHA-1 intrinsic: there SHA-1 runs
 * at about a sixth of libcrypto's speed, which uses the CPU's SHA instructions (bench/RESULTS.md, "JIT").
 *
 * A digest's state lives in a Java byte[] (sized by ctxSize()), pinned for the length of a call,
 * so nothing native is allocated and nothing needs freeing.
 */
#include <jni.h>
#include <dlfcn.h>
#include <stddef.h>

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
