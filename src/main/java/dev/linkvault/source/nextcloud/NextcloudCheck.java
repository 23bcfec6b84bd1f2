package dev.linkvault.source.nextcloud;

import dev.linkvault.WorkDb;
import dev.linkvault.config.SourceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code linkvault nextcloud check}: the bucket against the database, without a download. One
 * read of oc_filecache per mapping and one listing of each bucket (into a work SQLite file, so
 * memory stays flat): objects no row has (orphans), rows whose object is gone, rows whose size is
 * not the object's, uploads ({@code .part}) older than a day, encrypted rows. Read-only on both sides.
 */
public final class NextcloudCheck {
    /** How many examples of each finding a report keeps (the counts are always whole). */
    public static final int EXAMPLES = 1000;

    private final SourceConfig.Nextcloud config;
    private final NextcloudDatabase db;
    private final NextcloudBucket bucket;
    private final Instant now;

    public NextcloudCheck(SourceConfig.Nextcloud config, Supplier<S3Client> factory, Instant now) {
        this.config = config;
        this.db = new NextcloudDatabase(config);
        this.bucket = new NextcloudBucket(config, factory, null, Long.MAX_VALUE, dev.linkvault.s3.S3Clients.Timing.DEFAULT);
        this.now = now;
    }

    /** One finding: a path (a row's) or an object key, its size, and what is wrong. */
    public record Finding(String where, long size, String what) {}

    /** What one mapping's rows showed. */
    public record MappingReport(String as, long rows, long bytes, long missing, long sizeDiffers, long staleUploads,
                                long encrypted, long encryptedBytes, List<Finding> findings) {}

    /** What one bucket's listing showed. */
    public record BucketReport(String bucket, long objects, long bytes, long orphans, long orphanBytes, String oldestOrphan,
                               List<Finding> findings) {}

    public record Report(String source, List<MappingReport> mappings, List<BucketReport> buckets) {
        public long problems() {
            long n = 0;
            for (MappingReport m : mappings) {
                n += m.missing() + m.sizeDiffers() + m.staleUploads();
            }
            for (BucketReport b : buckets) {
                n += b.orphans();
            }
            return n;
        }
    }

    public Report run(Path scratch) throws IOException {
        bucket.sseC();
        List<NextcloudDatabase.Target> targets = db.targets();
        Path file = Files.createTempFile(scratch, "nextcloud-check-", ".sqlite");
        Connection work = null;
        try {
            work = WorkDb.open(file, "CREATE TABLE o(bucket TEXT NOT NULL, fileid INTEGER NOT NULL, size INTEGER NOT NULL,"
                    + " mtime INTEGER NOT NULL, seen INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (bucket, fileid)) WITHOUT ROWID",
                    "CREATE TABLE odd(bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL)");
            List<String> buckets = targets.stream().map(NextcloudDatabase.Target::bucket).distinct().toList();
            for (String b : buckets) {
                list(work, b);
            }
            work.commit();
            List<MappingReport> mappings = new ArrayList<>();
            try (Connection c = db.connect()) {
                Map<String, List<NextcloudDatabase.Target>> byAs = new LinkedHashMap<>();
                for (NextcloudDatabase.Target t : targets) {
                    byAs.computeIfAbsent(t.mapping().as(), k -> new ArrayList<>()).add(t);
                }
                for (var e : byAs.entrySet()) {
                    mappings.add(mapping(c, work, e.getKey(), e.getValue()));
                }
                work.commit();
                List<BucketReport> reports = new ArrayList<>();
                for (String b : buckets) {
                    reports.add(orphans(c, work, b));
                }
                c.rollback();
                return new Report(config.name(), mappings, reports);
            }
        } catch (SQLException e) {
            throw new IOException("nextcloud check of source '" + config.name() + "' failed: " + e.getMessage(), e);
        } finally {
            WorkDb.discard(work, file);
            bucket.close();
        }
    }

    private void list(Connection work, String b) throws IOException, SQLException {
        String prefix = config.s3().objectPrefix();
        SQLException[] failed = {null};
        try (PreparedStatement put = work.prepareStatement("INSERT OR REPLACE INTO o(bucket, fileid, size, mtime) VALUES (?,?,?,?)");
             PreparedStatement odd = work.prepareStatement("INSERT INTO odd VALUES (?,?,?)")) {
            bucket.pages(b, page -> {
                try {
                    for (S3Object o : page) {
                        String id = o.key().substring(Math.min(prefix.length(), o.key().length()));
                        if (o.key().startsWith(prefix) && id.matches("\\d{1,18}")) {
                            put.setString(1, b);
                            put.setLong(2, Long.parseLong(id));
                            put.setLong(3, o.size());
                            put.setLong(4, o.lastModified() == null ? 0 : o.lastModified().getEpochSecond());
                            put.executeUpdate();
                        } else {
                            odd.setString(1, b);
                            odd.setString(2, o.key());
                            odd.setLong(3, o.size());
                            odd.executeUpdate();
                        }
                    }
                } catch (SQLException e) {
                    failed[0] = e;
                }
            });
        }
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    private MappingReport mapping(Connection c, Connection work, String as, List<NextcloudDatabase.Target> targets)
            throws SQLException {
        long[] n = new long[7]; // rows, bytes, missing, size, stale uploads, encrypted, encrypted bytes
        List<Finding> findings = new ArrayList<>();
        long dayAgo = now.minus(Duration.ofDays(1)).getEpochSecond();
        try (PreparedStatement find = work.prepareStatement("SELECT size FROM o WHERE bucket = ? AND fileid = ?");
             PreparedStatement seen = work.prepareStatement("UPDATE o SET seen = 1 WHERE bucket = ? AND fileid = ?")) {
            for (NextcloudDatabase.Target t : targets) {
                if (t.storage() < 0) {
                    continue;
                }
                try {
                    db.rows(c, t, row -> {
                        if (NextcloudSource.FOLDER.equals(row.mimetype())) {
                            return;
                        }
                        String where = row.path(); // as the database has it: what an admin looks up
                        n[0]++;
                        n[1] += row.size();
                        if (row.encrypted()) {
                            n[5]++;
                            n[6] += row.size();
                        }
                        find.setString(1, t.bucket());
                        find.setLong(2, row.fileid());
                        Long size = null;
                        try (ResultSet rs = find.executeQuery()) {
                            if (rs.next()) {
                                size = rs.getLong(1);
                            }
                        }
                        if (size != null) {
                            seen.setString(1, t.bucket());
                            seen.setLong(2, row.fileid());
                            seen.executeUpdate();
                        }
                        if (row.path().endsWith(".part")) {
                            if (row.mtime() < dayAgo) {
                                n[4]++;
                                add(findings, new Finding(where, row.size(), "an upload (.part) left since "
                                        + Instant.ofEpochSecond(row.mtime()) + (size == null ? ", no object" : "")));
                            }
                            return;
                        }
                        if (size == null) {
                            if (row.size() > 0) { // an empty file may have no object: nothing to store
                                n[2]++;
                                add(findings, new Finding(where, row.size(), "no object " + config.s3().objectPrefix()
                                        + row.fileid() + " in bucket " + t.bucket()));
                            }
                        } else if (size != row.size()) {
                            n[3]++;
                            add(findings, new Finding(where, size, "the row says " + row.size() + " bytes, the object "
                                    + config.s3().objectPrefix() + row.fileid() + " has " + size));
                        }
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted");
                }
            }
        }
        return new MappingReport(as, n[0], n[1], n[2], n[3], n[4], n[5], n[6], findings);
    }

    /** Objects no mapping's row saw, and that no row of any storage has either. */
    private BucketReport orphans(Connection c, Connection work, String b) throws SQLException {
        long objects = 0;
        long bytes = 0;
        try (PreparedStatement ps = work.prepareStatement("SELECT count(*), coalesce(sum(size), 0) FROM o WHERE bucket = ?")) {
            ps.setString(1, b);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                objects = rs.getLong(1);
                bytes = rs.getLong(2);
            }
        }
        long orphans = 0;
        long orphanBytes = 0;
        long oldest = Long.MAX_VALUE;
        List<Finding> findings = new ArrayList<>();
        try (PreparedStatement ps = work.prepareStatement("SELECT fileid, size, mtime FROM o WHERE bucket = ? AND seen = 0"
                + " ORDER BY fileid")) {
            ps.setString(1, b);
            try (ResultSet rs = ps.executeQuery()) {
                Map<Long, long[]> batch = new LinkedHashMap<>();
                boolean more = true;
                while (more) {
                    more = rs.next();
                    if (more) {
                        batch.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
                    }
                    if (batch.size() == 500 || !more && !batch.isEmpty()) {
                        for (long known : db.existing(c, batch.keySet())) {
                            batch.remove(known);
                        }
                        for (var e : batch.entrySet()) {
                            orphans++;
                            orphanBytes += e.getValue()[0];
                            oldest = Math.min(oldest, e.getValue()[1]);
                            add(findings, new Finding(config.s3().objectPrefix() + e.getKey(), e.getValue()[0],
                                    "no row of " + db.table("filecache") + " has fileid " + e.getKey() + " (object of "
                                            + Instant.ofEpochSecond(e.getValue()[1]) + ")"));
                        }
                        batch.clear();
                    }
                }
            }
        }
        try (PreparedStatement ps = work.prepareStatement("SELECT key, size FROM odd WHERE bucket = ? ORDER BY key")) {
            ps.setString(1, b);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    add(findings, new Finding(rs.getString(1), rs.getLong(2), "not named " + config.s3().objectPrefix()
                            + "<fileid>: not Nextcloud's (left alone)"));
                }
            }
        }
        return new BucketReport(b, objects, bytes, orphans, orphanBytes,
                oldest == Long.MAX_VALUE ? null : Instant.ofEpochSecond(oldest).toString(), findings);
    }

    private static void add(List<Finding> findings, Finding f) {
        if (findings.size() < EXAMPLES) {
            findings.add(f);
        }
    }
}
