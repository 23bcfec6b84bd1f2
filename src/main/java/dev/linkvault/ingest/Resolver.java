package dev.linkvault.ingest;

import dev.linkvault.repo.BlobId;
import dev.linkvault.repo.BlobStore;
import dev.linkvault.repo.Repository;
import dev.linkvault.source.Entry;
import dev.linkvault.source.Source;
import dev.linkvault.source.TransferException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where one file's content comes from, decided in one place, cheapest first:
 * <ol>
 *   <li>the catalog knows the entry's key with this fingerprint, and the blob it names is still a
 *       regular file of the entry's size (one {@code lstat}, in the call that links it: anything
 *       else is not trusted);</li>
 *   <li>the source gives a SHA-1 it may be trusted with ({@link Source#trustsKnownSha1}) and that
 *       blob is stored with that size and no collision variant;</li>
 *   <li>an ETag alias stored before this run names a blob of that size; the source is asked for
 *       the entry's ETag only when such aliases exist (for Nextcloud, asking may list the bucket:
 *       a first snapshot never does);</li>
 *   <li>else the content is read from the source and stored, a transfer that breaks off tried
 *       again up to {@link #TRANSFER_ATTEMPTS} times in all.</li>
 * </ol>
 * It never links: the pipeline links the blob it returns.
 */
final class Resolver {
    static final int TRANSFER_ATTEMPTS = 3;
    private final Repository repo;

    /** How a content was found without reading it. */
    enum Way { CATALOG, TRUSTED_CHECKSUM, ETAG_ALIAS }

    /** What one entry's content came to. */
    sealed interface Resolution {
        BlobId blob();

        long size();

        /** The blob to file in the catalog under the entry's key and fingerprint, or null. */
        BlobId remember();
    }

    /** Stored already: link it, read nothing. */
    record Known(Way way, BlobId blob, long size, BlobId remember) implements Resolution {}

    /**
     * Read from the source now. {@code put} says whether it was new; {@code warning} is for the
     * user (a SHA-1 collision, a file changed while read, a stale checksum), or null.
     */
    record Read(BlobStore.Put put, BlobId remember, String warning) implements Resolution {
        @Override
        public BlobId blob() {
            return put.id();
        }

        @Override
        public long size() {
            return put.size();
        }
    }

    /**
     * Read from the source and written, but not yet durable nor named: the pipeline flushes many
     * at once, publishes them, then {@link #finish}es each.
     */
    record Pending(BlobStore.Staged staged, boolean unchanged) implements Resolution {
        @Override
        public BlobId blob() {
            return staged.id();
        }

        @Override
        public long size() {
            return staged.size();
        }

        @Override
        public BlobId remember() {
            return null;
        }
    }

    Resolver(Repository repo) {
        this.repo = repo;
    }

    /**
     * For an entry {@link #known} found nothing for (or whose catalog hit was not intact): read it.
     *
     * @param stage a new content is left {@link Pending} rather than made durable and named at once
     */
    Resolution unknown(Entry e, boolean stage) throws IOException {
        if (!stage || e.size() == 0) {
            return read(e);
        }
        BlobStore.Written w = download(e, true);
        boolean unchanged = e.content().stillMatches(e.fingerprint());
        return w.put() != null ? outcome(e, w.put(), unchanged) : new Pending(w.staged(), unchanged);
    }

    /** A pending content, now named as {@code put} says: what it came to. */
    Read finish(Entry e, Pending p, BlobStore.Put put) throws IOException {
        return outcome(e, put, p.unchanged());
    }

    /**
     * The stored blob of the entry's content, found without reading it (cases 1-3 above), or null.
     * A catalog hit (case 1) is not yet checked: its link checks that the blob is intact, in the
     * same call ({@link dev.linkvault.repo.SnapshotWriter#file(dev.linkvault.RelPath, BlobId, long,
     * java.time.Instant)}), and when it is not, {@link #beyondCatalog} goes on with cases 2-3.
     */
    Known known(Source s, Entry e) throws IOException {
        Optional<BlobId> cataloged = e.key() == null ? Optional.empty()
                : repo.catalog().lookup(s.name(), e.key(), e.fingerprint(), s.keysArePaths());
        if (cataloged.isPresent()) {
            return new Known(Way.CATALOG, cataloged.get(), e.size(), null);
        }
        return beyondCatalog(s, e);
    }

    /** Cases 2-3 above: the stored blob of the entry's content found by a checksum or an ETag, or null. */
    Known beyondCatalog(Source s, Entry e) throws IOException {
        // Trusted only where the source is told to: a stale checksum would link the wrong content.
        if (e.size() > 0 && e.knownSha1() != null && s.trustsKnownSha1()) {
            Optional<BlobId> bySum = repo.blobs().bySha1(e.knownSha1(), e.size());
            if (bySum.isPresent()) {
                return new Known(Way.TRUSTED_CHECKSUM, bySum.get(), e.size(), e.key() == null ? null : bySum.get());
            }
        }
        // Without an alias stored before this run, learning ETags (a bucket listing) finds nothing.
        if (e.size() > 0 && repo.blobs().hadAliases()) {
            String etag = e.content().knownEtag();
            Optional<BlobId> aliased = etag == null ? Optional.empty() : repo.blobs().byAlias(etag, e.size());
            if (aliased.isPresent()) {
                return new Known(Way.ETAG_ALIAS, aliased.get(), e.size(), e.key() == null ? null : aliased.get());
            }
        }
        return null;
    }

    private Read read(Entry e) throws IOException {
        // Nothing to read for an empty file (Nextcloud has such rows by the thousand); one that
        // grows meanwhile changes its fingerprint and is read next run.
        BlobStore.Put put = e.size() == 0 ? new BlobStore.Put(BlobId.EMPTY, 0, BlobStore.EMPTY_SHA256, BlobStore.Outcome.EMPTY)
                : download(e, false).put();
        return outcome(e, put, e.content().stillMatches(e.fingerprint()));
    }

    private Read outcome(Entry e, BlobStore.Put put, boolean unchanged) throws IOException {
        String warning = null;
        if (put.outcome() == BlobStore.Outcome.COLLISION_INSERTED) {
            warning = "SHA-1 collision: this content has the same SHA-1 (" + put.id().sha1()
                    + ") as a different stored content; both are kept, this one as blob " + put.id();
        } else if (!unchanged) {
            warning = "changed while being read; stored as read, it will be read again next run";
        } else if (put.size() != e.size()) {
            // the bytes arrived whole (their length is what the server announced), so what lists the
            // file is behind: a Nextcloud row left stale by a version restore (owncloud/files_primary_s3#686)
            warning = "the source lists " + e.size() + " bytes but the content has " + put.size()
                    + " (its listing is stale: for Nextcloud the oc_filecache row); stored as read";
        } else if (e.knownSha1() != null && put.size() > 0 && !e.knownSha1().equals(put.id().sha1())) {
            warning = "the source's checksum is stale (it says SHA-1 " + e.knownSha1() + ", the content read has "
                    + put.id().sha1() + "); stored as read";
        }
        String etag = put.size() > 0 ? e.content().readEtag() : null;
        if (etag != null) {
            repo.blobs().addAlias(etag, put.id());
        }
        return new Read(put, unchanged && e.key() != null ? put.id() : null, warning);
    }

    private BlobStore.Written download(Entry e, boolean stage) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (InputStream in = e.content().open()) {
                return stage ? repo.blobs().stage(in, e.mtime()) : new BlobStore.Written(repo.blobs().put(in, e.mtime()), null);
            } catch (TransferException x) {
                if (attempt == TRANSFER_ATTEMPTS) {
                    throw new IOException(x.getMessage() + " (tried " + TRANSFER_ATTEMPTS + " times)", x);
                }
                try {
                    Thread.sleep(200L << attempt);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw x;
                }
            }
        }
    }
}
