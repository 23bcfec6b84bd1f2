package dev.linkvault;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * SHA-1, SHA-256 and MD5 computed by the machine's libcrypto, through linkvault's native helper
 * ({@link Native}). Where the helper or libcrypto is missing, {@link Digests} hands out the JDK's
 * digests, which give the same results more slowly (the launcher's quick JIT has no SHA-1
 * intrinsic: bench/RESULTS.md, "JIT").
 */
public final class NativeDigest extends MessageDigest implements Cloneable {
    private static final String[] NAMES = {"SHA-1", "SHA-256", "MD5"};
    private static final int[] LENGTHS = {20, 32, 16};

    private final int algorithm;
    private byte[] ctx;
    private final byte[] one = new byte[1];

    private NativeDigest(int algorithm) {
        super(NAMES[algorithm]);
        this.algorithm = algorithm;
        this.ctx = new byte[ctxSize()];
        begin(algorithm, ctx);
    }

    /** A native digest of that algorithm, or null when the helper is not loaded or has no such algorithm. */
    public static MessageDigest of(String algorithm) {
        if (Loaded.LIBCRYPTO == null) {
            return null;
        }
        int a = Arrays.asList(NAMES).indexOf(algorithm);
        return a < 0 ? null : new NativeDigest(a);
    }

    /** What computes the digests, for {@code linkvault version}: the libcrypto in use, or why the JDK's. */
    public static String status() {
        return Loaded.LIBCRYPTO != null ? "native, " + Loaded.LIBCRYPTO : "the JDK's (" + Loaded.WHY_NOT + ")";
    }

    @Override
    protected void engineUpdate(byte input) {
        one[0] = input;
        update(algorithm, ctx, one, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        if (len > 0) {
            update(algorithm, ctx, input, offset, len);
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[LENGTHS[algorithm]];
        finish(algorithm, ctx, out);
        begin(algorithm, ctx);
        return out;
    }

    @Override
    protected int engineGetDigestLength() {
        return LENGTHS[algorithm];
    }

    @Override
    protected void engineReset() {
        begin(algorithm, ctx);
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
        NativeDigest copy = (NativeDigest) super.clone();
        copy.ctx = ctx.clone();
        return copy;
    }

    private static final class Loaded {
        static final String LIBCRYPTO;
        static final String WHY_NOT;

        static {
            String lib = Native.loaded() ? init() : null;
            LIBCRYPTO = lib;
            WHY_NOT = !Native.loaded() ? Native.whyNot() : lib == null ? "no libcrypto with SHA1_Init found" : null;
        }
    }

    private static native String init();

    private static native int ctxSize();

    private static native void begin(int algorithm, byte[] ctx);

    private static native void update(int algorithm, byte[] ctx, byte[] data, int off, int len);

    private static native void finish(int algorithm, byte[] ctx, byte[] out);
}
