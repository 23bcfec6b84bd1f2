package dev.linkvault.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.linkvault.Sqlite;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteOpenMode;

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
    private static final int FOLDERS_CACHED = 8;

    private final Connection db;
    private final PreparedStatement lookup;
    private final PreparedStatement lookupDir;
    /**
     * The rows of the few folders queried last: one query per folder instead of one per file. Read
     * without the catalog's lock: the workers of a snapshot look up every file, and while one of them
     * ran a folder's query under the lock the others waited for it at each of their own files (a
     * quarter of their time in an unchanged run of 100k files). Changed only under the lock; the
     * oldest folder queried goes first ({@link #folderOrder}).
     */
    private final Map<String, Map<String, String[]>> folders = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.ArrayDeque<String> folderOrder = new java.util.ArrayDeque<>();
    private static final int BLOBS_CACHED = 4096;
    /**
     * The facts of the blobs asked for or recorded last: a first snapshot with many duplicates asks
     * for the same few blobs again and again (a MyCloud dump of 96,000 files and 2,000 contents).
     */
    private final Map<String, BlobFacts> blobs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BlobFacts> eldest) {
            return size() > BLOBS_CACHED;
        }
    };
    private final PreparedStatement remember;
    private final PreparedStatement blobGet;
    private final PreparedStatement blobPut;
    private final boolean rebuilt;
    private final boolean readOnly;
    private final Path file;
    private final ScheduledExecutorService committer;
    private int pendingRows;
    private long lastCommit = System.currentTimeMillis();

    /**
     * Summary facts of one snapshot as the catalog keeps them; {@code manifest} is the size and
     * mtime of the manifest file they were read from ({@code <bytes>:<mtime ms>}), or null in rows
     * of earlier versions: a manifest that has changed since is read again.
     */
    public record SnapshotRow(String name, String state, SnapshotSummary summary, String manifest) {}

    /** Size and SHA-256 of a stored blob. */
    public record BlobFacts(long size, String sha256) {}

    private Catalog(Connection db, Path file, boolean rebuilt, boolean readOnly) throws SQLException {
        this.db = db;
        this.file = file;
        this.rebuilt = rebuilt;
        this.readOnly = readOnly;
        lookup = db.prepareStatement("SELECT fingerprint, blob FROM objects WHERE source = ? AND dir = ? AND name = ?");
        // one column a row, the three joined by '/' (which no name and no blob id holds): a folder's rows
        // cost one text read each, not three (that was 0.1 of 0.26 CPU-s of the query in an unchanged run)
        lookupDir = db.prepareStatement(
                "SELECT name || '/' || fingerprint || '/' || blob FROM objects WHERE source = ? AND dir = ?");
        remember = readOnly ? null : db.prepareStatement(
                "INSERT OR REPLACE INTO objects(source, dir, name, fingerprint, blob) VALUES (?,?,?,?,?)");
        blobGet = db.prepareStatement("SELECT size, sha256 FROM blobs WHERE blob = ?");
        blobPut = readOnly ? null : db.prepareStatement("INSERT OR REPLACE INTO blobs(blob, size, sha256) VALUES (?,?,?)");
        if (!readOnly && file != null) {
            // Pending writes become durable on a clock, not only when the next write comes: a
            // crash loses at most BATCH_MILLIS of work, and readers see recent work.
            committer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "linkvault-catalog-commit");
                t.setDaemon(true);
                return t;
            });
            committer.scheduleWithFixedDelay(this::commitIfPending, BATCH_MILLIS, BATCH_MILLIS / 4, TimeUnit.MILLISECONDS);
        } else {
            committer = null;
        }
    }

    /**
     * Opens the catalog at {@code file} for the holder of the writer lock, creating it if absent.
     * Only a file SQLite calls damaged (SQLITE_CORRUPT, SQLITE_NOTADB) or of another schema is moved
     * aside to {@code <file>.damaged-<millis>} and started afresh; any other failure (busy,
     * permission, full disk) is said as it is and the file is left alone.
     */
    public static Catalog openForWriting(Path file) throws IOException {
        boolean existed = Files.exists(file);
        try {
            return connect(file, !existed, false);
        } catch (SQLException e) {
            if (!existed || !isDamage(e)) {
                throw new IOException("cannot open the catalog " + file + ": " + describe(e), e);
            }
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
            Files.move(file, aside);
            for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
                Path side = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(side)) {
                    Files.move(side, aside.resolveSibling(aside.getFileName() + suffix));
                }
            }
            try {
                return connect(file, true, false);
            } catch (SQLException e2) {
                throw new IOException("cannot create the catalog " + file + ": " + describe(e2), e2);
            }
        }
    }

    /**
     * Opens the catalog for a command that only reads: SQLite read-only, nothing created,
     * nothing written, so it works beside a running snapshot, on read-only media and on a full disk.
     * Empty (no file, or one this reader cannot read): an empty catalog in memory serves, and the
     * manifests give the figures.
     */
    public static Catalog openForReading(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            try {
                return connect(file, false, true);
            } catch (SQLException e) {
                // busy beyond the timeout, a pending journal, another schema: read without it
            }
        }
        return inMemory();
    }

    /** A catalog that lives only as long as this process: for reading a repository on read-only media. */
    public static Catalog inMemory() throws IOException {
        try {
            return connect(null, true, false);
        } catch (SQLException e) {
            throw new IOException("cannot start an in-memory catalog: " + describe(e), e);
        }
    }

    /** Whether SQLite says the file is not a sound database (as opposed to busy, locked, full, denied). */
    static boolean isDamage(SQLException e) {
        if (e instanceof SchemaException) {
            return true;
        }
        int code = e.getErrorCode() & 0xff;
        return code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code;
    }

    /** The reason of a SQLite failure in words a user knows. */
    static String describe(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        if (code == SQLiteErrorCode.SQLITE_FULL.code) {
            return "no space left on device";
        }
        if (code == SQLiteErrorCode.SQLITE_READONLY.code) {
            return "read-only file system or file";
        }
        if (code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code) {
            return "in use by another process for too long";
        }
        if (code == SQLiteErrorCode.SQLITE_CANTOPEN.code || code == SQLiteErrorCode.SQLITE_PERM.code) {
            return "cannot open it (permission denied, or its folder is missing)";
        }
        if (code == SQLiteErrorCode.SQLITE_IOERR.code) {
            return "input/output error";
        }
        return e.getMessage();
    }

    private static final class SchemaException extends SQLException {
        private static final long serialVersionUID = 1L;

        SchemaException(String message) {
            super(message);
        }
    }

    private static Catalog connect(Path file, boolean fresh, boolean readOnly) throws SQLException {
        SQLiteConfig config = Sqlite.config();
        config.setReadOnly(readOnly);
        config.setBusyTimeout(10_000);
        if (readOnly) {
            config.setOpenMode(SQLiteOpenMode.NOMUTEX);
        }
        Connection c = org.sqlite.JDBC.createConnection(file == null ? "jdbc:sqlite::memory:" : "jdbc:sqlite:" + file,
                config.toProperties());
        try {
            try (Statement s = c.createStatement()) {
                if (!readOnly) {
                    // A rollback journal, not WAL: a reader then needs no -shm file (which it would
                    // have to write, and which a full disk turns into SIGBUS), only the file itself.
                    s.execute("PRAGMA journal_mode=DELETE");
                    s.execute("PRAGMA synchronous=NORMAL");
                    s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                    s.execute("CREATE TABLE IF NOT EXISTS objects(source TEXT NOT NULL, dir TEXT NOT NULL,"
                            + " name TEXT NOT NULL, fingerprint TEXT NOT NULL, blob TEXT NOT NULL,"
                            + " PRIMARY KEY(source, dir, name)) WITHOUT ROWID");
                    s.execute("CREATE TABLE IF NOT EXISTS blobs(blob TEXT PRIMARY KEY, size INTEGER NOT NULL,"
                            + " sha256 TEXT NOT NULL) WITHOUT ROWID");
                    s.execute("CREATE TABLE IF NOT EXISTS etags(etag TEXT PRIMARY KEY, blob TEXT NOT NULL) WITHOUT ROWID");
                    s.execute("CREATE TABLE IF NOT EXISTS snapshots(name TEXT PRIMARY KEY, state TEXT NOT NULL,"
                            + " summary TEXT, manifest TEXT)");
                    boolean stamped = false;
                    try (ResultSet cols = s.executeQuery("PRAGMA table_info(snapshots)")) {
                        while (cols.next()) {
                            stamped |= "manifest".equals(cols.getString("name"));
                        }
                    }
                    if (!stamped) {
                        // a catalog of an earlier version: the column is added, its rows stay valid
                        s.execute("ALTER TABLE snapshots ADD COLUMN manifest TEXT");
                    }
                    s.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '" + SCHEMA_VERSION + "')");
                }
                try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema'")) {
                    int v = rs.next() ? Integer.parseInt(rs.getString(1)) : -1;
                    if (v != SCHEMA_VERSION) {
                        throw new SchemaException("catalog schema " + v + " is not " + SCHEMA_VERSION);
                    }
                }
            }
            c.setAutoCommit(readOnly);
            return new Catalog(c, file, fresh, readOnly);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Whether this catalog can be written (false for a reader's view of the live file). */
    public boolean writable() {
        return !readOnly;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException("the catalog was opened read-only");
        }
    }

    /** True when this catalog was just created (first use, or the old one was missing or damaged). */
    public boolean rebuilt() {
        return rebuilt;
    }

    /**
     * The blob a source object had last time, if its fingerprint is unchanged.
     *
     * @param pathKey the key is a {@code /}-separated path, and a source asks for the objects of
     *                one folder together: they are then read with one query per folder
     */
    public Optional<BlobId> lookup(String source, String key, String fingerprint, boolean pathKey) {
        try {
            String[] row;
            if (pathKey) {
                int slash = key.lastIndexOf('/');
                String dir = slash < 0 ? "" : key.substring(0, slash);
                Map<String, String[]> rows = folders.get(source + "\0" + dir);
                if (rows == null) {
                    synchronized (this) {
                        rows = folder(source, dir);
                    }
                }
                row = rows.get(key.substring(slash + 1));
            } else {
                synchronized (this) {
                    row = pointLookup(source, key);
                }
            }
            return row != null && row[0].equals(fingerprint) ? Optional.of(BlobId.parse(row[1])) : Optional.empty();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    private String[] pointLookup(String source, String key) throws SQLException {
        lookup.setString(1, source);
        lookup.setString(2, "");
        lookup.setString(3, key);
        try (ResultSet rs = lookup.executeQuery()) {
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
        }
    }

    private Map<String, String[]> folder(String source, String dir) throws SQLException {
        String cacheKey = source + "\0" + dir;
        Map<String, String[]> rows = folders.get(cacheKey);
        if (rows == null) {
            rows = new java.util.concurrent.ConcurrentHashMap<>(); // remember() adds to it while others read
            lookupDir.setString(1, source);
            lookupDir.setString(2, dir);
            try (ResultSet rs = lookupDir.executeQuery()) {
                while (rs.next()) {
                    String row = rs.getString(1);
                    int name = row.indexOf('/');
                    int blob = row.lastIndexOf('/');
                    rows.put(row.substring(0, name), new String[] {row.substring(name + 1, blob), row.substring(blob + 1)});
                }
            }
            folders.put(cacheKey, rows);
            folderOrder.add(cacheKey);
            while (folderOrder.size() > FOLDERS_CACHED) {
                folders.remove(folderOrder.poll());
            }
        }
        return rows;
    }

    /** Remembers what a source object held; {@code pathKey} as for {@link #lookup}. */
    public synchronized void remember(String source, String key, String fingerprint, BlobId blob, boolean pathKey) {
        checkWritable();
        int slash = pathKey ? key.lastIndexOf('/') : -1;
        String dir = slash < 0 ? "" : key.substring(0, slash);
        String name = pathKey ? key.substring(slash + 1) : key;
        Map<String, String[]> cached = folders.get(source + "\0" + dir);
        if (cached != null) {
            cached.put(name, new String[] {fingerprint, blob.toString()});
        }
        try {
            remember.setString(1, source);
            remember.setString(2, dir);
            remember.setString(3, name);
            remember.setString(4, fingerprint);
            remember.setString(5, blob.toString());
            remember.executeUpdate();
            wrote();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    public synchronized Optional<BlobFacts> blob(BlobId id) {
        String key = id.toString();
        BlobFacts cached = blobs.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            blobGet.setString(1, key);
            try (ResultSet rs = blobGet.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                BlobFacts facts = new BlobFacts(rs.getLong(1), rs.getString(2));
                blobs.put(key, facts);
                return Optional.of(facts);
            }
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    public synchronized void recordBlob(BlobId id, long size, String sha256) {
        checkWritable();
        try {
            blobPut.setString(1, id.toString());
            blobPut.setLong(2, size);
            blobPut.setString(3, sha256);
            blobPut.executeUpdate();
            blobs.put(id.toString(), new BlobFacts(size, sha256));
            wrote();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    /** Whether a collision variant ({@code <sha1>-<sha256>}) of this SHA-1 is stored. */
    public synchronized boolean hasVariants(String sha1) {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM blobs WHERE blob > ? AND blob < ? LIMIT 1")) {
            ps.setString(1, sha1 + "-");
            ps.setString(2, sha1 + ".");
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    /** The blob an ETag alias was made for, if the catalog knows. */
    public synchronized Optional<BlobId> etag(String etag) {
        try (PreparedStatement ps = db.prepareStatement("SELECT blob FROM etags WHERE etag = ?")) {
            ps.setString(1, etag);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(BlobId.parse(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    public synchronized void recordEtag(String etag, BlobId blob) {
        checkWritable();
        try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO etags(etag, blob) VALUES (?,?)")) {
            ps.setString(1, etag);
            ps.setString(2, blob.toString());
            ps.executeUpdate();
            wrote();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    /** Drops what the catalog knows of a blob that is no longer stored. */
    public synchronized void forgetBlob(BlobId id) {
        checkWritable();
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM blobs WHERE blob = ?")) {
            blobs.remove(id.toString());
            ps.setString(1, id.toString());
            ps.executeUpdate();
            wrote();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    /** Empties every table: the next reads rebuild what they need from the repository. */
    public synchronized void clear() {
        checkWritable();
        try (Statement s = db.createStatement()) {
            s.execute("DELETE FROM objects");
            s.execute("DELETE FROM blobs");
            s.execute("DELETE FROM etags");
            s.execute("DELETE FROM snapshots");
            folders.clear();
            folderOrder.clear();
            blobs.clear();
            commit();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    public synchronized void putSnapshot(String name, String state, SnapshotSummary summary) {
        putSnapshot(name, state, summary, null);
    }

    public synchronized void putSnapshot(String name, String state, SnapshotSummary summary, String manifest) {
        checkWritable();
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT OR REPLACE INTO snapshots(name, state, summary, manifest) VALUES (?,?,?,?)")) {
            ps.setString(1, name);
            ps.setString(2, state);
            ps.setString(3, summary == null ? null : summary.toJson());
            ps.setString(4, manifest);
            ps.executeUpdate();
            commit();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    public synchronized void dropSnapshot(String name) {
        checkWritable();
        try (PreparedStatement ps = db.prepareStatement("DELETE FROM snapshots WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
            commit();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    public synchronized List<SnapshotRow> snapshots() {
        List<SnapshotRow> out = new ArrayList<>();
        boolean stamped = true;
        for (int attempt = 0; attempt < 2; attempt++) {
            String sql = stamped ? "SELECT name, state, summary, manifest FROM snapshots ORDER BY name"
                    : "SELECT name, state, summary FROM snapshots ORDER BY name";
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    String json = rs.getString(3);
                    out.add(new SnapshotRow(rs.getString(1), rs.getString(2),
                            json == null ? null : SnapshotSummary.fromJson(json), stamped ? rs.getString(4) : null));
                }
                return out;
            } catch (SQLException e) {
                if (!stamped || !readOnly) {
                    throw new CatalogException(file, e);
                }
                stamped = false; // a reader of a catalog no writer of this version opened yet
                out.clear();
            }
        }
        return out;
    }

    private synchronized void commitIfPending() {
        if (pendingRows > 0 && System.currentTimeMillis() - lastCommit >= BATCH_MILLIS) {
            try {
                commit();
            } catch (CatalogException e) {
                // the next write on the run's own thread meets the same failure and says it
            }
        }
    }

    private void wrote() throws SQLException {
        pendingRows++;
        if (pendingRows >= BATCH_ROWS || System.currentTimeMillis() - lastCommit >= BATCH_MILLIS) {
            commit();
        }
    }

    /** Makes everything written so far durable. */
    public synchronized void commit() {
        if (readOnly) {
            return;
        }
        try {
            db.commit();
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
        pendingRows = 0;
        lastCommit = System.currentTimeMillis();
    }

    @Override
    public synchronized void close() {
        if (committer != null) {
            committer.shutdownNow();
        }
        try {
            if (!db.isClosed()) {
                if (!readOnly) {
                    db.commit();
                }
                db.close();
            }
        } catch (SQLException e) {
            throw new CatalogException(file, e);
        }
    }

    /** The catalog database failed under us (disk full, file removed mid-run): one line, fatal. */
    public static final class CatalogException extends dev.linkvault.UserError {
        private static final long serialVersionUID = 1L;

        CatalogException(Path file, SQLException e) {
            super("cannot use the catalog " + (file == null ? "(in memory)" : file) + ": " + describe(e)
                    + ((e.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_FULL.code ? "; free some space and run it again" : ""), e);
        }
    }
}
