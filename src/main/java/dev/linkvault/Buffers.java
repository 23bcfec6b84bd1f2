package dev.linkvault;

/**
 * One 256 KiB buffer per thread for copying and hashing contents, rather than one allocated (and
 * zeroed) per file: at 100,000 small files that was 25 GB of zeroing. A caller holds it only
 * across calls that never use it: {@link dev.linkvault.repo.ContentHash}, which the store calls
 * while it holds a content here, has its own (BlobStoreTest has the case).
 */
public final class Buffers {
    public static final int SIZE = 256 * 1024;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[SIZE]);

    private Buffers() {}

    /** This thread's buffer; what it held before is garbage. */
    public static byte[] io() {
        return BUFFERS.get();
    }
}
