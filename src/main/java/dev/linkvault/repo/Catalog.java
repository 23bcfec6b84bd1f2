package dev.linkvault.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What linkvault remembers between runs, in SQLite: which source object (key + fingerprint) had
 * which content, blob facts, snapshot summaries. A cache only: every fact can be rebuilt from the
 * repository tree and manifests, so a missing or damaged catalog is replaced, never fatal.
 *
 * <p>Thread-safe: every method holds the instance lock. Writes are batched into transactions of
 * at most {@link #BATCH_ROWS} rows or {@link #BATCH_MILLIS} ms, so a crash loses at most that.
 */
public final class Catalog implements AutoCloseable {
    static final int SCHEMA_VERSION = 1;
    private static final int BATCH_ROWS = 5000;
    private static final long BATCH_MILLIS = 1000;

    private final Connection db;
    private final PreparedStatement lookup;
    private final PreparedStatement remember;
    private final PreparedStatement blobGet;
    private final PreparedStatement blobPut;
    private final boolean rebuilt;
    private int pendingRows;
    private long lastCommit = System.currentTimeMillis();

    /** Summary facts of one snapshot as the catalog keeps them. */
    public record SnapshotRow(String name, String state, SnapshotSummary summary) {}

    /** Size and SHA-256 of a stored blob. */
    public record BlobFacts(long size, String sha256) {}

    private Catalog(Connection db, boolean rebuilt) throws SQLException {
        this.db = db;
        this.rebuilt = rebuilt;
        lookup = db.prepareStatement("SELECT fingerprint, blob FROM objects WHERE source = ? AND key = ?");
        remember = db.prepareStatement("INSERT OR REPLACE INTO objects(source, key, fingerprint, blob) VALUES (?,?,?,?)");
        blobGet = db.prepareStatement("SELECT size, sha256 FROM blobs WHERE blob = ?");
        blobPut = db.prepareStatement("INSERT OR REPLACE INTO blobs(blob, size, sha256) VALUES (?,?,?)");
    }

    /**
     * Opens the catalog at {@code file}, creating it if absent. A file that is not a readable
     * catalog is moved aside to {@code <file>.damaged-<millis>} and a fresh one is started.
     */
    public static Catalog open(Path file) throws IOException {
        boolean existed = Files.exists(file);
        try {
            return connect(file, !existed);
        } catch (SQLException e) {
            if (!existed) {
                throw new IOException("cannot create catalog " + file + ": " + e.getMessage(), e);
            }
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
            Files.move(file, aside);
            for (String suffix : new String[] {"-wal", "-shm"}) {
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
            }
            try {
                return connect(file, true);
            } catch (SQLException e2) {
                throw new IOException("cannot create catalog " + file + ": " + e2.getMessage(), e2);
            }
        }
    }

    private static Catalog connect(Path file, boolean fresh) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=10000");
                s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS objects(source TEXT NOT NULL, key TEXT NOT NULL,"
                        + " fingerprint TEXT NOT NULL, blob TEXT NOT NULL, PRIMARY KEY(source, key)) WITHOUT ROWID");
                s.execute("CREATE TABLE IF NOT EXISTS blobs(blob TEXT PRIMARY KEY, size INTEGER NOT NULL,"
                        + " sha256 TEXT NOT NULL) WITHOUT ROWID");
                s.execute("CREATE TABLE IF NOT EXISTS snapshots(name TEXT PRIMARY KEY, state TEXT NOT NULL,"
                        + " summary TEXT)");
                s.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '" + SCHEMA_VERSION + "')");
                try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema'")) {
                    int v = rs.next() ? Integer.parseInt(rs.getString(1)) : -1;
                    if (v != SCHEMA_VERSION) {
                        throw new SQLException("catalog schema " + v + " is not " + SCHEMA_VERSION);
                    }
                }
            }
            c.setAutoCommit(false);
            return new Catalog(c, fresh);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** True when this catalog was just created (first use, or the old one was missing or damaged). */
    public boolean rebuilt() {
        return rebuilt;
    }

    /** The blob a source object had last time, if its fingerprint is unchanged. */
    public synchronized Optional<BlobId> lookup(String source, String key, String fingerprint) {
        try {
            lookup.setString(1, source);
            lookup.setString(2, key);
            try (ResultSet rs = lookup.executeQuery()) {
                if (rs.next() && rs.getString(1).equals(fingerprint)) {
                    return Optional.of(BlobId.parse(rs.getString(2)));
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
    }

    public synchronized void remember(String source, String key, String fingerprint, BlobId blob) {
        try {
            remember.setString(1, source);
            remember.setString(2, key);
            remember.setString(3, fingerprint);
            remember.setString(4, blob.toString());
            remember.executeUpdate();
            wrote();
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
    }

    public synchronized Optional<BlobFacts> blob(BlobId id) {
        try {
            blobGet.setString(1, id.toString());
            try (ResultSet rs = blobGet.executeQuery()) {
                return rs.next() ? Optional.of(new BlobFacts(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
    }

    public synchronized void recordBlob(BlobId id, long size, String sha256) {
        try {
            blobPut.setString(1, id.toString());
            blobPut.setLong(2, size);
            blobPut.setString(3, sha256);
            blobPut.executeUpdate();
            wrote();
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
    }

    public synchronized void putSnapshot(String name, String state, SnapshotSummary summary) {
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT OR REPLACE INTO snapshots(name, state, summary) VALUES (?,?,?)")) {
            ps.setString(1, name);
            ps.setString(2, state);
            ps.setString(3, summary == null ? null : summary.toJson());
            ps.executeUpdate();
            commit();
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
    }

    public synchronized void dropSnapshot(String name) {
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM snapshots WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
            commit();
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
    }

    public synchronized List<SnapshotRow> snapshots() {
        List<SnapshotRow> out = new ArrayList<>();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, state, summary FROM snapshots ORDER BY name")) {
            while (rs.next()) {
                String json = rs.getString(3);
                out.add(new SnapshotRow(rs.getString(1), rs.getString(2),
                        json == null ? null : SnapshotSummary.fromJson(json)));
            }
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
        return out;
    }

    private void wrote() throws SQLException {
        pendingRows++;
        if (pendingRows >= BATCH_ROWS || System.currentTimeMillis() - lastCommit >= BATCH_MILLIS) {
            commit();
        }
    }

    /** Makes everything written so far durable. */
    public synchronized void commit() {
        try {
            db.commit();
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
        pendingRows = 0;
        lastCommit = System.currentTimeMillis();
    }

    @Override
    public synchronized void close() {
        try {
            if (!db.isClosed()) {
                db.commit();
                db.close();
            }
        } catch (SQLException e) {
            throw new CatalogException(e);
        }
    }

    /** The catalog database failed under us (disk full, file removed mid-run). */
    public static final class CatalogException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogException(SQLException e) {
            super("catalog: " + e.getMessage(), e);
        }
    }
}
