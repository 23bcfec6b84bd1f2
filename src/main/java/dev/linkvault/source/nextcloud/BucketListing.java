package dev.linkvault.source.nextcloud;

import dev.linkvault.WorkDb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The ETag of every object of a bucket, learnt from one paged ListObjectsV2 (1,000 keys a
 * request, not a HEAD per file) the first time one is asked for, and kept in a throw-away SQLite
 * file rather than in memory: a bucket can hold millions of objects.
 */
final class BucketListing implements AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private Path file;
    private Connection db;

    private final java.nio.file.Path scratch;

    /** @param scratch the folder for the listing's work file, or null for the system's temporary folder */
    BucketListing(S3Client s3, String bucket, String prefix, java.nio.file.Path scratch) {
        this.scratch = scratch;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** The object's ETag (without quotes), or null when the bucket has no such key. */
    synchronized String etag(String key) throws IOException {
        try {
            if (db == null) {
                list();
            }
            try (PreparedStatement ps = db.prepareStatement("SELECT etag FROM objects WHERE key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        } catch (SQLException e) {
            throw new IOException("keeping the listing of bucket " + bucket + " failed: " + e.getMessage(), e);
        }
    }

    private void list() throws SQLException, IOException {
        file = scratch != null ? Files.createTempFile(Files.createDirectories(scratch), "listing-", ".sqlite")
                : Files.createTempFile("linkvault-listing-", ".sqlite");
        db = WorkDb.open(file, "CREATE TABLE objects(key TEXT PRIMARY KEY, etag TEXT NOT NULL) WITHOUT ROWID");
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO objects(key, etag) VALUES (?,?)")) {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(1000))) {
                for (var o : page.contents()) {
                    ps.setString(1, o.key());
                    ps.setString(2, o.eTag() == null ? "" : o.eTag().replace("\"", ""));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        } catch (SdkException e) {
            throw new IOException("listing bucket " + bucket + " failed: " + e.getMessage(), e);
        }
        db.commit();
    }

    @Override
    public synchronized void close() {
        WorkDb.discard(db, file);
    }
}
