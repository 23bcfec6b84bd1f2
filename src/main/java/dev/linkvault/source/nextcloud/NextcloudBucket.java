package dev.linkvault.source.nextcloud;

import dev.linkvault.UserError;
import dev.linkvault.config.Secrets;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.TransferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import dev.linkvault.s3.S3Clients;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The bucket side of a Nextcloud source: the S3 client (made on first use), the SSE-C key, the
 * check of each bucket, one streamed GET per object checked against its single-part ETag, the
 * ETags of a listing (made once many rows turned out unknown), and the pages of a bucket's keys
 * for orphans. It knows no database row.
 */
final class NextcloudBucket implements AutoCloseable {
    private final SourceConfig.Nextcloud config;
    private final Supplier<S3Client> factory;
    private final Path scratch;
    private final long listAfter;
    private S3Client client;
    private SseC sseC;
    private boolean sseCRead;
    private final Map<String, BucketListing> listings = new HashMap<>();
    /** Rows the catalog did not know so far this run; past {@link #listAfter}, buckets are listed for ETags. */
    private final AtomicLong unknownRows = new AtomicLong();

    private final S3Clients.Timing timing;
    /** When a request to S3 last got an answer (nanoTime): how the store is told down from slow. */
    private final AtomicLong lastAnswer = new AtomicLong(System.nanoTime());
    /** Downloads under way, checked for bytes trickling in. */
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService watchdog;

    NextcloudBucket(SourceConfig.Nextcloud config, Supplier<S3Client> factory, Path scratch, long listAfter,
                    S3Clients.Timing timing) {
        this.config = config;
        this.factory = factory;
        this.scratch = scratch;
        this.listAfter = listAfter;
        this.timing = timing;
    }

    private void answered() {
        lastAnswer.set(System.nanoTime());
    }

    /**
     * A request failed for good (after the client's retries): when no request has been answered
     * for {@link S3Clients.Timing#downAfter}, the store is down and the whole run stops with one
     * line, rather than recording an error for every file that follows.
     */
    private void failed(Exception e) {
        long quiet = System.nanoTime() - lastAnswer.get();
        if (quiet > timing.downAfter().toNanos()) {
            throw new UserError("S3" + (config.s3().endpoint() == null ? "" : " at " + config.s3().endpoint())
                    + " of source '" + name() + "' has answered no request for " + quiet / 1_000_000_000L
                    + " s (last: " + firstLine(e) + "); the snapshot stopped, what is stored is kept: run it again"
                    + " when the store is back");
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** A download being watched: bytes seen, and how many there were when its window began. */
    private final class Watched {
        final ResponseInputStream<GetObjectResponse> in;
        final long length;
        final AtomicLong bytes = new AtomicLong();
        volatile long windowStart = System.nanoTime();
        volatile long bytesAtWindowStart;
        volatile boolean cut;

        Watched(ResponseInputStream<GetObjectResponse> in, long length) {
            this.in = in;
            this.length = length;
        }

        /** Cuts the download when its window passed with too few bytes; else starts a new window. */
        void check(long now) {
            if (now - windowStart < timing.slowWindow().toNanos()) {
                return;
            }
            long got = bytes.get() - bytesAtWindowStart;
            long wanted = Math.min(timing.slowBytes(), Math.max(1, length - bytesAtWindowStart));
            if (got < wanted) {
                cut = true;
                in.abort();
                watched.remove(this);
                return;
            }
            windowStart = now;
            bytesAtWindowStart = bytes.get();
        }
    }

    private synchronized void watch(Watched w) {
        if (watchdog == null) {
            watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "linkvault-s3-watchdog");
                t.setDaemon(true);
                return t;
            });
            long tick = Math.max(50, timing.slowWindow().toMillis() / 8);
            watchdog.scheduleWithFixedDelay(() -> {
                long now = System.nanoTime();
                for (Watched x : watched) {
                    x.check(now);
                }
            }, tick, tick, TimeUnit.MILLISECONDS);
        }
        watched.add(w);
    }

    private String name() {
        return config.name();
    }

    synchronized S3Client s3() {
        if (client == null) {
            client = factory.get();
        }
        return client;
    }

    /** The SSE-C key and its MD5, both base64, as every GET sends them. */
    private record SseC(String key, String keyMd5) {}

    /** Read once: the key file or variable does not change during a run. */
    synchronized SseC sseC() {
        if (!sseCRead) {
            String k = Secrets.read(config.s3().sseCKey(), "the SSE-C key");
            if (k != null) {
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(k);
                } catch (IllegalArgumentException e) {
                    raw = new byte[0];
                }
                if (raw.length != 32) {
                    throw new UserError("the SSE-C key of source '" + name() + "' is not 32 bytes in base64 (as"
                            + " Nextcloud's 'sse_c_key' is); check s3.sse-c-key-env or s3.sse-c-key-file");
                }
                sseC = new SseC(k, Base64.getEncoder().encodeToString(dev.linkvault.Digests.of("MD5").digest(raw)));
            }
            sseCRead = true;
        }
        return sseC;
    }

    void check(String bucket) throws IOException {
        try {
            s3().headBucket(b -> b.bucket(bucket));
            answered();
        } catch (NoSuchBucketException e) {
            throw new IOException("bucket '" + bucket + "' of source '" + name() + "' does not exist"
                    + (config.s3().endpoint() == null ? "" : " at " + config.s3().endpoint()) + "; check s3.bucket");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new IOException("bucket '" + bucket + "' of source '" + name() + "' does not exist; check s3.bucket");
            }
            if (e.statusCode() == 403) {
                throw new IOException("access to bucket '" + bucket + "' of source '" + name() + "' is denied; check the"
                        + " S3 keys (s3.access-key-env, s3.secret-key-env)");
            }
            throw new IOException("bucket '" + bucket + "' of source '" + name() + "': " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot reach S3 for source '" + name() + "'"
                    + (config.s3().endpoint() == null ? "" : " at " + config.s3().endpoint()) + ": " + e.getMessage()
                    + "; check s3.endpoint and the network", e);
        }
    }

    /** The object's ETag from a listing of the bucket, made once many rows turned out unknown; or null. */
    String knownEtag(String bucket, String key) throws IOException {
        if (unknownRows.incrementAndGet() <= listAfter) {
            return null;
        }
        BucketListing l;
        synchronized (this) {
            l = listings.computeIfAbsent(bucket, b -> new BucketListing(s3(), b, config.s3().objectPrefix(), scratch));
        }
        String e = l.etag(key);
        return e == null || e.isEmpty() ? null : e;
    }

    /** What a GET gave: the bytes, checked as they come, and the ETag the server sent. */
    record Download(InputStream bytes, String etag) {}

    /** One object, with a single streamed GET (with the SSE-C key when the bucket needs one). */
    Download get(String bucket, String key) throws IOException {
        GetObjectRequest.Builder r = GetObjectRequest.builder().bucket(bucket).key(key);
        SseC sseC = sseC();
        if (sseC != null) {
            r.sseCustomerAlgorithm("AES256").sseCustomerKey(sseC.key()).sseCustomerKeyMD5(sseC.keyMd5());
        }
        try {
            ResponseInputStream<GetObjectResponse> in = s3().getObject(r.build());
            answered();
            GetObjectResponse resp = in.response();
            String etag = resp.eTag() == null ? "" : resp.eTag().replace("\"", "");
            // Without KMS or SSE-C an ETag is the MD5 of the bytes (one part) or of the parts' MD5s.
            boolean plain = sseC == null && resp.serverSideEncryption() != ServerSideEncryption.AWS_KMS
                    && resp.serverSideEncryption() != ServerSideEncryption.AWS_KMS_DSSE;
            long length = resp.contentLength() == null ? -1 : resp.contentLength();
            Expected expected = null;
            if (plain && etag.matches("[0-9a-f]{32}")) {
                expected = Expected.single(etag);
            } else if (plain && length > 0 && etag.matches("[0-9a-f]{32}-[0-9]{1,5}")) {
                int parts = Integer.parseInt(etag.substring(33));
                long partSize = partSize(bucket, key, length, parts);
                expected = partSize == 0 ? null : new Expected(etag, partSize, parts);
            }
            Watched w = new Watched(in, length < 0 ? Long.MAX_VALUE : length);
            watch(w);
            return new Download(new CheckedDownload(in, expected, bucket, key, w), etag.isEmpty() ? null : etag);
        } catch (NoSuchKeyException e) {
            answered(); // an answer, if not a welcome one
            throw new IOException("object " + key + " is missing from bucket " + bucket
                    + " (the database row points at an object that is gone)");
        } catch (SdkException e) {
            failed(e);
            throw new IOException("cannot download " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    /** Every object under the object prefix, a page (1,000 keys) at a time. */
    void pages(String bucket, Consumer<java.util.List<S3Object>> page) throws IOException {
        try {
            for (var p : s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(config.s3().objectPrefix()).maxKeys(1000))) {
                page.accept(p.contents());
            }
        } catch (SdkException e) {
            throw new IOException("listing the bucket of source '" + name() + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * An object's bytes as they arrive: a failure while reading is a {@link TransferException}
     * (tried again), and so are bytes whose MD5 differs from a single-part ETag.
     */
    /**
     * What an ETag says of the bytes, when it says anything: the MD5 of the whole object (a
     * single-part upload), or the MD5 of the parts' MD5s and their count ({@code <md5>-<n>}, a
     * multipart upload of parts of {@code partSize} bytes, the last one shorter).
     */
    record Expected(String etag, long partSize, int parts) {
        static Expected single(String md5) {
            return new Expected(md5, 0, 1);
        }
    }

    /** Part sizes common uploaders use (AWS CLI and SDKs, rclone, Nextcloud's 500 MiB), tried when the server will not say. */
    private static final long[] COMMON_PART_SIZES = {5L << 20, 8L << 20, 10L << 20, 15L << 20, 16L << 20, 32L << 20,
        50L << 20, 64L << 20, 100L << 20, 128L << 20, 500L << 20, 512L << 20};

    private static boolean fits(long partSize, long size, int parts) {
        return partSize > 0 && (parts - 1) * partSize < size && size <= parts * partSize;
    }

    /**
     * The part size of a multipart object: from the server (a HEAD of part 1, where it supports
     * {@code partNumber}), else the one common size that fits the object's size and part count;
     * 0 when neither tells (the download is then stored unchecked, as spec/config.md says).
     */
    long partSize(String bucket, String key, long size, int parts) {
        try {
            var h = s3().headObject(b -> b.bucket(bucket).key(key).partNumber(1));
            answered();
            if (h.partsCount() != null && h.partsCount() == parts && h.contentLength() != null
                    && fits(h.contentLength(), size, parts)) {
                return h.contentLength();
            }
        } catch (SdkException e) {
            // not supported here: try the common sizes
        }
        long found = 0;
        for (long p : COMMON_PART_SIZES) {
            if (fits(p, size, parts)) {
                if (found != 0) {
                    return 0; // more than one fits: cannot tell
                }
                found = p;
            }
        }
        return found;
    }

    /**
     * An object's bytes as they arrive: a failure while reading is a {@link TransferException}
     * (tried again), and so are bytes whose MD5s differ from what the ETag says.
     */
    private final class CheckedDownload extends java.io.FilterInputStream {
        private final MessageDigest md5 = dev.linkvault.Digests.of("MD5");
        private final MessageDigest partsMd5 = dev.linkvault.Digests.of("MD5");
        private final Expected expected;
        private final String what;
        private long inPart;
        private final Watched watched;

        CheckedDownload(InputStream in, Expected expected, String bucket, String key, Watched watched) {
            super(in);
            this.expected = expected;
            this.what = key + " from bucket " + bucket;
            this.watched = watched;
        }

        @Override
        public void close() throws IOException {
            NextcloudBucket.this.watched.remove(watched);
            super.close();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException | SdkException e) {
                if (watched.cut) {
                    throw new TransferException("download of " + what + " is too slow: fewer than "
                            + timing.slowBytes() / 1024 + " KiB in " + timing.slowWindow().toSeconds() + " s", e);
                }
                throw new TransferException("download of " + what + " broke off: " + e.getMessage(), e);
            }
            if (n > 0) {
                watched.bytes.addAndGet(n);
            }
            if (n < 0 && watched.length != Long.MAX_VALUE && watched.bytes.get() != watched.length) {
                // fewer (or more) bytes than the server announced: never stored, tried again
                throw new TransferException("download of " + what + " broke off: " + watched.bytes.get() + " of the "
                        + watched.length + " bytes the server announced", null);
            }
            if (expected == null) {
                return n;
            }
            if (n > 0) {
                digest(b, off, n);
            } else if (n < 0) {
                String got;
                if (expected.partSize() == 0) {
                    got = HexFormat.of().formatHex(md5.digest());
                } else {
                    if (inPart > 0) {
                        partsMd5.update(md5.digest());
                    }
                    got = HexFormat.of().formatHex(partsMd5.digest()) + "-" + expected.parts();
                }
                if (!got.equals(expected.etag())) {
                    throw new TransferException("download of " + what + " was damaged in transit (MD5 " + got
                            + ", the server's ETag says " + expected.etag() + ")", null);
                }
            }
            return n;
        }

        /** Feeds the MD5 of the whole, or of each part, the part's digest going into the digest of digests. */
        private void digest(byte[] b, int off, int n) {
            if (expected.partSize() == 0) {
                md5.update(b, off, n);
                return;
            }
            while (n > 0) {
                int take = (int) Math.min(n, expected.partSize() - inPart);
                md5.update(b, off, take);
                inPart += take;
                off += take;
                n -= take;
                if (inPart == expected.partSize()) {
                    partsMd5.update(md5.digest());
                    inPart = 0;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (watchdog != null) {
            watchdog.shutdownNow();
            watchdog = null;
        }
        listings.values().forEach(BucketListing::close);
        listings.clear();
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
