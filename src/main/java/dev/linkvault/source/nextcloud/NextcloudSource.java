package dev.linkvault.source.nextcloud;

import dev.linkvault.UserError;
import dev.linkvault.config.Secrets;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.Content;
import dev.linkvault.source.Entry;
import dev.linkvault.source.Sink;
import dev.linkvault.source.TreeFilter;
import dev.linkvault.source.Source;
import dev.linkvault.source.PathFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;
import dev.linkvault.source.TransferException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A Nextcloud with S3 primary storage: names from {@code oc_filecache} (PostgreSQL, MariaDB/MySQL
 * or SQLite, read-only, one consistent transaction), bytes from objects {@code urn:oid:<fileid>}.
 * Each mapping (a user's or a storage's tree below a prefix) becomes one top folder of the
 * snapshot. Rows stream in fileid order; nothing is held per row.
 */
public final class NextcloudSource implements Source {
    static final String FOLDER = "httpd/unix-directory";

    private final SourceConfig.Nextcloud config;
    private final Supplier<S3Client> s3;
    private S3Client client;
    private SseC sseC;
    private boolean sseCRead;

    /** The SSE-C key and its MD5, both base64, as every GET sends them. */
    private record SseC(String key, String keyMd5) {}

    /** Read once: the key file or variable does not change during a run. */
    private synchronized SseC sseC() {
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
    private final Map<String, BucketListing> listings = new HashMap<>();
    /** Rows the catalog did not know so far this run; past {@link #listAfter}, buckets are listed for ETags. */
    private final java.util.concurrent.atomic.AtomicLong unknownRows = new java.util.concurrent.atomic.AtomicLong();
    private final long listAfter;
    private List<Target> targets;

    /** A mapping resolved against the database: which storage, which bucket. */
    record Target(SourceConfig.Mapping mapping, long storage, String bucket, PathFilter filter) {}

    /**
     * Listing a bucket costs a request per 1,000 objects: it pays only when many rows are unknown
     * (a lost catalog, a repository adopted from nextcloud-s3-backup), not for a day's new files.
     */
    static final long LIST_AFTER_UNKNOWN_ROWS = 1000;

    public NextcloudSource(SourceConfig.Nextcloud config, Supplier<S3Client> factory) {
        this(config, factory, LIST_AFTER_UNKNOWN_ROWS);
    }

    /** @param scratch where the work file of a bucket listing goes (the repository's .data/tmp, which every writer empties) */
    public NextcloudSource(SourceConfig.Nextcloud config, Supplier<S3Client> factory, java.nio.file.Path scratch) {
        this(config, factory, LIST_AFTER_UNKNOWN_ROWS);
        this.scratch = scratch;
    }

    private java.nio.file.Path scratch;

    NextcloudSource(SourceConfig.Nextcloud config, Supplier<S3Client> factory, long listAfter) {
        this.listAfter = listAfter;
        this.config = config;
        this.s3 = () -> {
            synchronized (this) {
                if (client == null) {
                    client = factory.get();
                }
                return client;
            }
        };
    }

    @Override
    public synchronized void close() {
        listings.values().forEach(BucketListing::close);
        listings.clear();
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public boolean trustsKnownSha1() {
        return config.trustChecksum();
    }

    private String table(String t) {
        return config.database().tablePrefix() + t;
    }

    /** Connects read-only; every failure names the database (never its password) and the fix. */
    Connection connect() throws IOException {
        SourceConfig.Database db = config.database();
        Properties p = db.url().startsWith("jdbc:sqlite:") ? readOnlySqlite() : new Properties();
        if (db.user() != null) {
            p.setProperty("user", db.user());
        }
        String password = Secrets.read(db.password(), "the database password");
        if (password != null) {
            p.setProperty("password", password);
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection(db.url(), p);
            c.setAutoCommit(false);
            c.setReadOnly(true);
            if (!db.url().startsWith("jdbc:sqlite:")) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            return c;
        } catch (SQLException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // the failure below is what matters
                }
            }
            throw new IOException("cannot connect to the Nextcloud database " + withoutSecrets(db.url()) + " of source '"
                    + name() + "': " + e.getMessage() + "; check database.url, user and password", e);
        }
    }

    private static Properties readOnlySqlite() {
        SQLiteConfig c = new SQLiteConfig();
        c.setReadOnly(true);
        return c.toProperties();
    }

    static String withoutSecrets(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    @Override
    public void check() throws IOException {
        sseC(); // every secret is read and checked before anything is written, not on the first GET
        try (Connection c = connect()) {
            for (String t : new String[] {"filecache", "storages", "mimetypes"}) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table(t) + " WHERE 1 = 0")) {
                    ps.executeQuery().close();
                } catch (SQLException e) {
                    throw new IOException("the Nextcloud database of source '" + name() + "' has no table " + table(t)
                            + "; set database.table-prefix to config.php's dbtableprefix");
                }
            }
            List<Target> out = new ArrayList<>();
            for (SourceConfig.Mapping m : config.mappings()) {
                out.add(new Target(m, storageOf(c, m), bucketOf(c, m), PathFilter.of(m.include(), m.ignore())));
            }
            c.rollback();
            targets = out;
        } catch (SQLException e) {
            throw new IOException("reading the Nextcloud database of source '" + name() + "' failed: " + e.getMessage(), e);
        }
        for (String bucket : targets.stream().map(Target::bucket).distinct().toList()) {
            checkBucket(bucket);
        }
    }

    private long storageOf(Connection c, SourceConfig.Mapping m) throws SQLException, IOException {
        if (m.storageId() != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT numeric_id FROM " + table("storages")
                    + " WHERE numeric_id = ?")) {
                ps.setLong(1, m.storageId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IOException("storage-id " + m.storageId() + " (mapping '" + m.as() + "') is not in "
                                + table("storages"));
                    }
                    return rs.getLong(1);
                }
            }
        }
        String id = "object::user:" + m.user();
        if (id.length() > 64) {
            id = md5(id); // Nextcloud stores long storage ids as their MD5
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT numeric_id FROM " + table("storages") + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IOException("user '" + m.user() + "' (mapping '" + m.as() + "') has no storage 'object::user:"
                            + m.user() + "' in " + table("storages") + "; check the user id (not the display name),"
                            + " or give storage-id");
                }
                return rs.getLong(1);
            }
        }
    }

    /** The user's bucket: with multibucket, the one Nextcloud recorded in oc_preferences. */
    private String bucketOf(Connection c, SourceConfig.Mapping m) throws SQLException {
        String base = config.s3().bucket();
        if (!config.s3().multibucket()) {
            return base;
        }
        if (m.user() == null) {
            return base + "0";
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT configvalue FROM " + table("preferences")
                + " WHERE userid = ? AND appid = 'homeobjectstore' AND configkey = 'bucket'")) {
            ps.setString(1, m.user());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    String v = rs.getString(1);
                    return v.matches("\\d+") ? base + v : v;
                }
            }
        }
        return base + "0";
    }

    private void checkBucket(String bucket) throws IOException {
        try {
            s3.get().headBucket(b -> b.bucket(bucket));
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

    @Override
    public void scan(Sink sink) throws IOException, InterruptedException {
        if (targets == null) {
            check();
        }
        try (Connection c = connect()) {
            for (Target t : targets) {
                scan(c, t, sink);
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IOException("reading the Nextcloud database of source '" + name() + "' failed: " + e.getMessage(), e);
        }
    }

    /**
     * Rows in the one order of every source: depth-first, a folder before anything inside it, the
     * names of a folder in code-point (UTF-8 byte) order. Sorting the path with {@code /} made the
     * smallest character, byte-wise, gives exactly that; each database is told to compare bytes.
     */
    private String depthFirstOrder() {
        String url = config.database().url();
        if (url.startsWith("jdbc:postgresql:")) {
            return "replace(f.path, '/', chr(1)) COLLATE \"C\"";
        }
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            return "CAST(REPLACE(f.path, '/', CHAR(1)) AS BINARY)";
        }
        return "replace(f.path, '/', char(1))";
    }

    private void scan(Connection c, Target t, Sink sink) throws SQLException, InterruptedException {
        String prefix = t.mapping().path();
        String root = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
        String sql = "SELECT f.fileid, f.path, m.mimetype, f.size, f.mtime, f.etag, f.checksum, f.mimetype FROM "
                + table("filecache")
                + " f JOIN " + table("mimetypes") + " m ON m.id = f.mimetype WHERE f.storage = ? AND (f.path = ? OR f.path"
                + " LIKE ? ESCAPE '!') ORDER BY " + depthFirstOrder();
        TreeFilter tree = new TreeFilter(t.filter(), sink);
        try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(1000);
            ps.setLong(1, t.storage());
            ps.setString(2, root);
            ps.setString(3, likeEscape(prefix) + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Entry e = entry(t, rs, prefix, root);
                    if (e == null) {
                        continue;
                    }
                    if (e.path().size() == 1) {
                        tree.top(e);
                    } else if (e.type() == Entry.Type.DIR) {
                        tree.dir(e);
                    } else {
                        tree.leaf(e);
                    }
                }
            }
        }
        tree.finish();
    }

    /** Lists each bucket (1,000 keys a request) and names the objects that no row of oc_filecache has. */
    @Override
    public void reportOrphans(java.util.function.Consumer<String> out) throws IOException {
        if (targets == null) {
            check();
        }
        String prefix = config.s3().objectPrefix();
        try (Connection c = connect()) {
            for (String bucket : targets.stream().map(Target::bucket).distinct().toList()) {
                for (var page : s3.get().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(1000))) {
                    Map<Long, software.amazon.awssdk.services.s3.model.S3Object> byId = new HashMap<>();
                    for (var o : page.contents()) {
                        String id = o.key().substring(prefix.length());
                        if (id.matches("\\d{1,18}")) {
                            byId.put(Long.parseLong(id), o);
                        } else {
                            out.accept("object " + o.key() + " in bucket " + bucket + " is not named " + prefix + "<fileid>");
                        }
                    }
                    for (long known : existing(c, byId.keySet())) {
                        byId.remove(known);
                    }
                    byId.values().stream().sorted(java.util.Comparator.comparing(
                            software.amazon.awssdk.services.s3.model.S3Object::key)).forEach(o -> out.accept(
                            "orphan object " + o.key() + " in bucket " + bucket + " (" + o.size() + " bytes, "
                                    + o.lastModified() + "): no row of " + table("filecache") + " has fileid "
                                    + o.key().substring(prefix.length())));
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IOException("reading the Nextcloud database of source '" + name() + "' failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("listing the bucket of source '" + name() + "' failed: " + e.getMessage(), e);
        }
    }

    private List<Long> existing(Connection c, java.util.Set<Long> ids) throws SQLException {
        List<Long> found = new ArrayList<>();
        if (ids.isEmpty()) {
            return found;
        }
        String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT fileid FROM " + table("filecache") + " WHERE fileid IN ("
                + marks + ")")) {
            int i = 1;
            for (long id : ids) {
                ps.setLong(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getLong(1));
                }
            }
        }
        return found;
    }

    static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private Entry entry(Target t, ResultSet rs, String prefix, String root) throws SQLException {
        long fileid = rs.getLong(1);
        String path = rs.getString(2);
        String mimetype = rs.getString(3);
        long size = rs.getLong(4);
        Instant mtime = Instant.ofEpochSecond(rs.getLong(5));
        String rel = path.equals(root) ? "" : path.substring(prefix.length());
        List<String> parts = new ArrayList<>();
        parts.add(t.mapping().as());
        if (!rel.isEmpty()) {
            for (String p : rel.split("/", -1)) {
                parts.add(p);
            }
        }
        if (FOLDER.equals(mimetype)) {
            return Entry.dir(parts, mtime, 0755);
        }
        String name = parts.get(parts.size() - 1);
        if (name.endsWith(".part") || excluded(t.mapping(), mimetype)
                || t.mapping().excludeMimetypeIds().contains(rs.getLong(8))) {
            return null;
        }
        String key = t.storage() + ":" + fileid;
        String fingerprint = rs.getString(6) + ":" + size + ":" + mtime.getEpochSecond();
        String objectKey = config.s3().objectPrefix() + fileid;
        return Entry.file(parts, size, mtime, 0644, key, fingerprint, sha1Of(rs.getString(7)),
                new ObjectContent(t.bucket(), objectKey));
    }

    private static boolean excluded(SourceConfig.Mapping m, String mimetype) {
        for (String pattern : m.excludeMimetypes()) {
            if (pattern.endsWith("/*") ? mimetype.startsWith(pattern.substring(0, pattern.length() - 1))
                    : pattern.equals(mimetype)) {
                return true;
            }
        }
        return false;
    }

    /** The SHA-1 in a checksum column ({@code SHA1:<hex> MD5:<hex> ...}), or null. Advisory only. */
    static String sha1Of(String checksum) {
        if (checksum == null) {
            return null;
        }
        for (String part : checksum.trim().split("\\s+")) {
            if (part.regionMatches(true, 0, "SHA1:", 0, 5) && part.length() == 45) {
                return part.substring(5).toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    private static String md5(String s) {
        return HexFormat.of().formatHex(dev.linkvault.Digests.of("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * An object's bytes as they arrive: a failure while reading is a {@link TransferException}
     * (tried again), and so are bytes whose MD5 differs from a single-part ETag.
     */
    private static final class CheckedDownload extends java.io.FilterInputStream {
        private final MessageDigest md5 = dev.linkvault.Digests.of("MD5");
        private final String expected;
        private final String what;

        CheckedDownload(InputStream in, String expectedMd5, String bucket, String key) {
            super(in);
            this.expected = expectedMd5;
            this.what = key + " from bucket " + bucket;
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
                throw new TransferException("download of " + what + " broke off: " + e.getMessage(), e);
            }
            if (n > 0 && expected != null) {
                md5.update(b, off, n);
            } else if (n < 0 && expected != null) {
                String got = HexFormat.of().formatHex(md5.digest());
                if (!got.equals(expected)) {
                    throw new TransferException("download of " + what + " was damaged in transit (MD5 " + got
                            + ", the server's ETag says " + expected + ")", null);
                }
            }
            return n;
        }
    }

    /** One object, fetched with a single streamed GET (with the SSE-C key when the bucket needs one). */
    private final class ObjectContent implements Content {
        private final String bucket;
        private final String key;

        ObjectContent(String bucket, String key) {
            this.bucket = bucket;
            this.key = key;
        }

        private volatile String readEtag;

        /** The object's ETag from a listing of the bucket, made once many rows turned out unknown. */
        @Override
        public String knownEtag() throws IOException {
            if (unknownRows.incrementAndGet() <= listAfter) {
                return null;
            }
            BucketListing l;
            synchronized (NextcloudSource.this) {
                l = listings.computeIfAbsent(bucket, b -> new BucketListing(s3.get(), b, config.s3().objectPrefix(), scratch));
            }
            String e = l.etag(key);
            return e == null || e.isEmpty() ? null : e;
        }

        @Override
        public String readEtag() {
            return readEtag;
        }

        @Override
        public InputStream open() throws IOException {
            GetObjectRequest.Builder r = GetObjectRequest.builder().bucket(bucket).key(key);
            SseC sseC = sseC();
            if (sseC != null) {
                r.sseCustomerAlgorithm("AES256").sseCustomerKey(sseC.key()).sseCustomerKeyMD5(sseC.keyMd5());
            }
            try {
                ResponseInputStream<GetObjectResponse> in = s3.get().getObject(r.build());
                GetObjectResponse resp = in.response();
                String etag = resp.eTag() == null ? "" : resp.eTag().replace("\"", "");
                readEtag = etag.isEmpty() ? null : etag;
                // A single-part upload without KMS or SSE-C has the MD5 of its bytes as ETag.
                boolean md5 = etag.matches("[0-9a-f]{32}") && sseC == null && resp.serverSideEncryption() != ServerSideEncryption.AWS_KMS
                        && resp.serverSideEncryption() != ServerSideEncryption.AWS_KMS_DSSE;
                return new CheckedDownload(in, md5 ? etag : null, bucket, key);
            } catch (NoSuchKeyException e) {
                throw new IOException("object " + key + " is missing from bucket " + bucket
                        + " (the database row points at an object that is gone)");
            } catch (SdkException e) {
                throw new IOException("cannot download " + key + " from bucket " + bucket + ": " + e.getMessage(), e);
            }
        }
    }
}
