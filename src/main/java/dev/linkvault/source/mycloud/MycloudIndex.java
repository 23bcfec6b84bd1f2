package dev.linkvault.source.mycloud;

import dev.linkvault.WorkDb;
import dev.linkvault.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * The rows of a restsdk {@code index.db} that matter, copied into a throw-away SQLite file and
 * placed in a tree: every row gets a depth below a root, found breadth-first from the roots
 * through {@code parentID}, so that memory stays flat in the number of rows and a cycle is never
 * followed. Rows no root leads to are placed too: a row whose parent is missing (or is a file)
 * becomes the root of an orphaned subtree, and each cycle is cut at its oldest row.
 *
 * <p>The device's database is only read: opened with {@code immutable=1} (no lock, no journal,
 * nothing created beside it), or, when a {@code -wal} or {@code -journal} file says it holds
 * changes not yet in the main file, read from a copy made in the scratch folder.
 */
final class MycloudIndex implements AutoCloseable {
    static final String DIR_MIME = "application/x.wd.dir";
    static final String TRASH_ROOT = "Trash";
    private static final List<String> NEEDED = List.of("id", "parentID", "name", "mimeType", "contentID", "size");
    private static final List<String> TIMES = List.of("imageDate", "videoDate", "cTime", "birthTime");

    /**
     * One placed row: {@code name} as in index.db, {@code ename} the name it gets (repaired where
     * it cannot be a file name); {@code time} the mtime a person expects, in ms, or null.
     */
    record Row(String id, String name, String ename, boolean dir, String content, long size, Long time) {}

    private final Path work;
    private final Connection db;
    private final List<String> cycles;
    private boolean contentIndexed;

    private MycloudIndex(Path work, Connection db, List<String> cycles) {
        this.work = work;
        this.db = db;
        this.cycles = cycles;
    }

    /** The device's database, open for reading; {@code copy} is the folder of a copy made to read it, or null. */
    record Device(Connection connection, Path copy) implements AutoCloseable {
        @Override
        public void close() {
            WorkDb.discard(connection, null);
            if (copy != null) {
                try (var files = Files.list(copy)) {
                    files.forEach(f -> WorkDb.discard(null, f));
                } catch (IOException ignored) {
                    // left in .data/tmp, which the next run clears
                }
                WorkDb.discard(null, copy);
            }
        }
    }

    /** Opens the device's database for reading only; fails with a message naming the file and the fix. */
    static Device openDevice(Path indexDb, Path scratch, Consumer<String> notes) throws IOException {
        if (!Files.isRegularFile(indexDb)) {
            throw new IOException("index-db " + indexDb + (Files.exists(indexDb) ? " is not a file" : " does not exist")
                    + "; point it at restsdk/data/db/index.db");
        }
        if (!Files.isReadable(indexDb)) {
            throw new IOException("index-db " + indexDb + " cannot be read (permission denied)");
        }
        Path source = indexDb;
        Path copyDir = null;
        String url;
        if (pending(indexDb, "-wal") || pending(indexDb, "-journal")) {
            // Reading those changes would need a write beside the device's file: read a copy instead.
            copyDir = Files.createDirectories(scratch).resolve("mycloud-db-" + System.nanoTime());
            Files.createDirectory(copyDir);
            source = copyDir.resolve("index.db");
            Files.copy(indexDb, source, StandardCopyOption.COPY_ATTRIBUTES);
            for (String suffix : new String[] {"-wal", "-journal"}) {
                Path side = indexDb.resolveSibling(indexDb.getFileName() + suffix);
                if (Files.exists(side)) {
                    Files.copy(side, copyDir.resolve("index.db" + suffix));
                }
            }
            notes.accept(indexDb.getFileName() + " has a -wal/-journal file with changes not yet in it: read from a"
                    + " copy in the repository's .data/tmp (the original is not touched)");
            url = "jdbc:sqlite:" + source;
        } else {
            url = "jdbc:sqlite:file:" + indexDb.toUri().getRawPath() + "?immutable=1";
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(source == indexDb);
        Connection c = null;
        try {
            c = org.sqlite.JDBC.createConnection(url, cfg.toProperties());
            Set<String> columns = new HashSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(Files)")) {
                while (rs.next()) {
                    columns.add(rs.getString("name"));
                }
            }
            if (columns.isEmpty()) {
                c.close();
                throw new IOException("index-db " + indexDb + " has no table Files: is it restsdk/data/db/index.db"
                        + " of a WD MyCloud?");
            }
            for (String col : NEEDED) {
                if (!columns.contains(col)) {
                    c.close();
                    throw new IOException("index-db " + indexDb + ": table Files has no column " + col
                            + "; this is not a restsdk index.db this version can read");
                }
            }
            return new Device(c, copyDir);
        } catch (SQLException | IOException | RuntimeException e) {
            // nothing opened here outlives a failure: the connection, and the copy of a -wal dump
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing is all that is left to do
                }
            }
            if (copyDir != null) {
                dev.linkvault.WorkDb.deleteQuietly(copyDir);
            }
            if (e instanceof SQLException sql) {
                throw new IOException("index-db " + indexDb + " cannot be read as SQLite (" + firstLine(sql) + "); if it"
                        + " is damaged, try restsdk/data/dbBackup/index.db or a copy repaired with sqlite3 .recover", sql);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
    }

    private static boolean pending(Path db, String suffix) throws IOException {
        Path side = db.resolveSibling(db.getFileName() + suffix);
        return Files.exists(side, LinkOption.NOFOLLOW_LINKS) && Files.size(side) > 0;
    }

    static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Copies the rows out of the device's database and places them; {@code notes} hears what was odd. */
    static MycloudIndex build(Connection device, Path scratch, Problems problems) throws IOException {
        Files.createDirectories(scratch);
        Path work = scratch.resolve("mycloud-index-" + System.nanoTime() + ".sqlite");
        Connection db = null;
        try {
            db = WorkDb.open(work);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA cache_size=-32000");
                try {
                    // Sorting for an index spills to temp files: keep them beside the work file,
                    // not in /tmp, which is often memory.
                    s.execute("PRAGMA temp_store_directory='" + scratch.toString().replace("'", "''") + "'");
                } catch (SQLException deprecatedAndGone) {
                    // then SQLite's default place
                }
                s.execute("CREATE TABLE rows(auto INTEGER PRIMARY KEY, id TEXT NOT NULL, parent TEXT,"
                        + " name TEXT NOT NULL, ename TEXT NOT NULL, dir INTEGER NOT NULL, content TEXT,"
                        + " size INTEGER NOT NULL, time INTEGER, depth INTEGER, root TEXT, top INTEGER)");
                s.execute("CREATE TEMP TABLE front(id TEXT PRIMARY KEY, top INTEGER) WITHOUT ROWID");
                s.execute("CREATE TEMP TABLE next(auto INTEGER PRIMARY KEY, top INTEGER)");
            }
            copy(device, db, problems);
            try (Statement s = db.createStatement()) {
                s.execute("CREATE INDEX rows_id ON rows(id)");
                s.execute("CREATE INDEX rows_parent ON rows(parent)");
                s.execute("CREATE INDEX rows_depth ON rows(depth)");
            }
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, count(*) FROM rows GROUP BY id HAVING count(*) > 1")) {
                while (rs.next()) {
                    problems.note("id " + rs.getString(1) + " is used by " + rs.getLong(2) + " rows of index.db;"
                            + " rows below it may appear under more than one of them");
                }
            }
            List<String> cycles = place(db);
            try (Statement s = db.createStatement()) {
                s.execute("CREATE INDEX rows_children ON rows(parent, depth, ename, auto)");
                s.execute("DROP INDEX rows_parent");
            }
            db.commit();
            return new MycloudIndex(work, db, cycles);
        } catch (SQLException e) {
            WorkDb.discard(db, work);
            throw new IOException("reading index.db failed (" + firstLine(e) + "); if it is damaged, try"
                    + " restsdk/data/dbBackup/index.db or a copy repaired with sqlite3 .recover", e);
        } catch (RuntimeException e) {
            WorkDb.discard(db, work);
            throw e;
        }
    }

    /** Where building tells what it met: notes, and errors (rows lost to a damaged database). */
    interface Problems {
        void note(String message);

        void error(String message);
    }

    /**
     * Copies the rows in autoID order. A damaged database (SQLITE_CORRUPT) does not stop the copy:
     * reading goes on after the damage, found by seeking ever further ahead, and each range of
     * rows that could not be read is an error.
     */
    private static void copy(Connection device, Connection db, Problems problems) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (Statement s = device.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(Files)")) {
            while (rs.next()) {
                columns.add(rs.getString("name"));
            }
        }
        String auto = columns.contains("autoID") ? "autoID" : "rowid";
        StringBuilder select = new StringBuilder("SELECT ").append(auto)
                .append(", id, parentID, name, mimeType, contentID, size");
        for (String t : TIMES) {
            select.append(", ").append(columns.contains(t) ? t : "NULL");
        }
        select.append(" FROM Files WHERE ").append(auto).append(" > ? ORDER BY 1");
        long n = 0;
        long last = Long.MIN_VALUE;
        try (PreparedStatement ins = db.prepareStatement("INSERT INTO rows(auto, id, parent, name, ename, dir, content,"
                + " size, time) VALUES (?,?,?,?,?,?,?,?,?)")) {
            while (true) {
                // A statement that met damage cannot be used again: a fresh one for each stretch.
                try (PreparedStatement q = device.prepareStatement(select.toString())) {
                    q.setFetchSize(1000);
                    q.setLong(1, last);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            last = rs.getLong(1);
                            add(rs, ins);
                            if (++n % 10_000 == 0) {
                                ins.executeBatch();
                            }
                        }
                    }
                    break;
                } catch (SQLException e) {
                    if (!damaged(e)) {
                        throw e;
                    }
                    long next = nextReadable(device, auto, last);
                    String lost = next < 0 ? (last == Long.MIN_VALUE ? "all rows" : "the rows after autoID " + last)
                            : last == Long.MIN_VALUE ? "the rows before autoID " + next
                            : "the rows with autoID " + (last + 1) + " to " + (next - 1);
                    problems.error("index.db is damaged (" + firstLine(e) + "): " + lost + " could not be read"
                            + "; they are missing from the snapshot (what lies below them is kept under [orphaned])."
                            + " restsdk/data/dbBackup/index.db may hold them");
                    if (next < 0) {
                        break;
                    }
                    last = next - 1;
                }
            }
            ins.executeBatch();
        }
    }

    private static void add(ResultSet rs, PreparedStatement ins) throws SQLException {
        String id = rs.getString(2);
        String name = rs.getString(4);
        String parent = rs.getString(3);
        long auto = rs.getLong(1);
        if (id == null) {
            id = "autoID-" + auto;
        }
        if (name == null) {
            name = "";
        }
        ins.setLong(1, auto);
        ins.setString(2, id);
        ins.setString(3, parent == null || parent.isEmpty() ? null : parent);
        ins.setString(4, name);
        ins.setString(5, RelPath.repair(name, id));
        ins.setInt(6, DIR_MIME.equals(rs.getString(5)) ? 1 : 0);
        ins.setString(7, rs.getString(6));
        ins.setLong(8, Math.max(0, rs.getLong(7)));
        Long time = null;
        for (int i = 8; i <= 11 && time == null; i++) {
            long v = rs.getLong(i);
            if (!rs.wasNull() && v != 0) {
                time = v;
            }
        }
        if (time == null) {
            ins.setNull(9, java.sql.Types.INTEGER);
        } else {
            ins.setLong(9, time);
        }
        ins.addBatch();
    }

    static boolean damaged(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return (e instanceof org.sqlite.SQLiteException s && s.getResultCode().code % 256 == 11)
                || m.contains("malformed") || m.contains("SQLITE_CORRUPT");
    }

    /** The first autoID after {@code last} whose row can be read, seeking 1, 2, 4... ahead; -1 when none. */
    private static long nextReadable(Connection device, String auto, long last) throws SQLException {
        long base = last == Long.MIN_VALUE ? 0 : last;
        String sql = "SELECT " + auto + " FROM Files WHERE " + auto + " >= ? ORDER BY 1 LIMIT 1";
        for (long step = 1; step > 0 && step < (1L << 62); step <<= 1) {
            try (PreparedStatement ps = device.prepareStatement(sql)) {
                ps.setLong(1, base + step);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1;
                }
            } catch (SQLException e) {
                if (!damaged(e)) {
                    throw e;
                }
            }
        }
        return -1;
    }

    /**
     * Gives every row a depth: from the real roots first, then from rows whose parent is missing
     * or not a folder, then from each cycle, cut at its oldest row (smallest autoID).
     */
    private static List<String> place(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE rows SET depth = 0, top = auto, root = CASE WHEN name = '" + TRASH_ROOT
                    + "' THEN 'trash' ELSE 'user' END WHERE parent IS NULL");
            spread(db, "parent IS NULL");
            s.executeUpdate("UPDATE rows SET depth = 0, top = auto, root = 'parent' WHERE depth IS NULL AND NOT EXISTS"
                    + " (SELECT 1 FROM rows p WHERE p.id = rows.parent AND p.dir = 1)");
            spread(db, "root = 'parent'");
        }
        List<String> cycles = new ArrayList<>();
        while (true) {
            long start;
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT auto FROM rows WHERE depth IS NULL ORDER BY auto LIMIT 1")) {
                if (!rs.next()) {
                    return cycles;
                }
                start = rs.getLong(1);
            }
            // Every unplaced row's parent is an unplaced folder, so going up must come round.
            Map<String, Long> chain = new LinkedHashMap<>();
            String cycleAt = null;
            try (PreparedStatement byAuto = db.prepareStatement("SELECT id, parent FROM rows WHERE auto = ?");
                 PreparedStatement byId = db.prepareStatement("SELECT auto, parent FROM rows WHERE id = ? AND dir = 1"
                         + " AND depth IS NULL ORDER BY auto LIMIT 1")) {
                byAuto.setLong(1, start);
                String parent;
                try (ResultSet rs = byAuto.executeQuery()) {
                    rs.next();
                    chain.put(rs.getString(1), start);
                    parent = rs.getString(2);
                }
                while (cycleAt == null) {
                    if (chain.containsKey(parent)) {
                        cycleAt = parent;
                        break;
                    }
                    byId.setString(1, parent);
                    try (ResultSet rs = byId.executeQuery()) {
                        if (!rs.next()) {
                            break;
                        }
                        chain.put(parent, rs.getLong(1));
                        parent = rs.getString(2);
                    }
                }
            }
            if (cycleAt == null) {
                // Not a cycle after all (only ids used twice can lead here): an orphaned subtree.
                try (Statement s = db.createStatement()) {
                    s.executeUpdate("UPDATE rows SET depth = 0, top = auto, root = 'parent' WHERE auto = " + start);
                }
                spread(db, "auto = " + start);
                continue;
            }
            List<String> members = new ArrayList<>();
            long cut = Long.MAX_VALUE;
            boolean in = false;
            for (Map.Entry<String, Long> e : chain.entrySet()) {
                in |= e.getKey().equals(cycleAt);
                if (in) {
                    members.add(e.getKey());
                    cut = Math.min(cut, e.getValue());
                }
            }
            try (Statement s = db.createStatement()) {
                s.executeUpdate("UPDATE rows SET depth = 0, top = auto, root = 'cycle' WHERE auto = " + cut);
            }
            spread(db, "auto = " + cut);
            cycles.add(String.join(" -> ", members) + " -> " + members.get(0));
        }
    }

    /**
     * Breadth-first from the folders among the depth-0 rows that {@code roots} (a condition on
     * rows) names, placing what is not placed yet; each row placed learns its root's autoID ({@code top}).
     */
    private static void spread(Connection db, String roots) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("DELETE FROM front");
            s.executeUpdate("INSERT OR IGNORE INTO front(id, top) SELECT id, top FROM rows WHERE depth = 0 AND dir = 1"
                    + " AND " + roots);
            for (int depth = 1; ; depth++) {
                s.executeUpdate("DELETE FROM next");
                int found = s.executeUpdate("INSERT OR IGNORE INTO next(auto, top) SELECT c.auto, f.top FROM front f"
                        + " JOIN rows c ON c.parent = f.id WHERE c.depth IS NULL");
                if (found == 0) {
                    return;
                }
                s.executeUpdate("UPDATE rows SET depth = " + depth + ", top = n.top FROM next n WHERE n.auto = rows.auto");
                s.executeUpdate("DELETE FROM front");
                s.executeUpdate("INSERT OR IGNORE INTO front(id, top) SELECT r.id, n.top FROM next n"
                        + " JOIN rows r ON r.auto = n.auto WHERE r.dir = 1");
            }
        }
    }

    /**
     * How many files, and bytes by index.db, lie below the roots a walk takes: the users
     * {@code users} names (all when empty), the Trash when {@code trash}, every orphaned subtree.
     * One pass over the work file and no file touched: for the progress display's estimate.
     */
    synchronized dev.linkvault.source.Source.Estimate count(List<String> users, boolean trash) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT count(*), coalesce(sum(r.size), 0) FROM rows r JOIN rows t"
                + " ON t.auto = r.top WHERE r.dir = 0 AND (t.root IN ('parent', 'cycle')");
        if (trash) {
            sql.append(" OR t.root = 'trash'");
        }
        sql.append(" OR (t.root = 'user'");
        if (!users.isEmpty()) {
            String marks = String.join(",", java.util.Collections.nCopies(users.size(), "?"));
            sql.append(" AND (t.id IN (").append(marks).append(") OR t.name IN (").append(marks).append("))");
        }
        sql.append("))");
        try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
            for (int i = 0; i < users.size(); i++) {
                ps.setString(1 + i, users.get(i));
                ps.setString(1 + users.size() + i, users.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new dev.linkvault.source.Source.Estimate(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** Each cycle of parentIDs that was cut, as "a -> b -> a". */
    List<String> cycles() {
        return cycles;
    }

    /** A reader of the placed rows with a connection of its own, so that two walks can run at once. */
    Reader reader() throws SQLException {
        return new Reader(org.sqlite.JDBC.createConnection("jdbc:sqlite:" + work, readOnly()));
    }

    private static java.util.Properties readOnly() {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        return cfg.toProperties();
    }

    private static final String SELECT = "SELECT id, name, ename, dir, content, size, time FROM rows";

    private static Row row(ResultSet rs) throws SQLException {
        long t = rs.getLong(7);
        Long time = rs.wasNull() ? null : t;
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) == 1, rs.getString(5),
                rs.getLong(6), time);
    }

    interface RowVisitor {
        void row(Row r) throws SQLException, InterruptedException;
    }

    static final class Reader implements AutoCloseable {
        private final Connection db;
        private final List<PreparedStatement> childQueries = new ArrayList<>();

        private Reader(Connection db) {
            this.db = db;
        }

        /** The rows placed at depth 0 of one kind ('user', 'trash', 'parent', 'cycle'), oldest first. */
        List<Row> roots(String kind) throws SQLException {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(SELECT + " WHERE depth = 0 AND root = ? ORDER BY auto")) {
                ps.setString(1, kind);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            return out;
        }

        /** The parents (missing, or files) of the rows placed as roots of orphaned subtrees. */
        List<String> missingParents() throws SQLException {
            List<String> out = new ArrayList<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT DISTINCT parent FROM rows WHERE depth = 0 AND root = 'parent' ORDER BY parent")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }

        /**
         * Calls {@code each} for the rows placed at {@code depth} under {@code parent}, by name then
         * age. Streams; {@code each} may ask for the children of a deeper level meanwhile.
         */
        void children(String parent, int depth, RowVisitor each) throws SQLException, InterruptedException {
            while (childQueries.size() <= depth) {
                childQueries.add(db.prepareStatement(SELECT + " WHERE parent = ? AND depth = ? ORDER BY ename, auto"));
            }
            PreparedStatement ps = childQueries.get(depth);
            ps.setString(1, parent);
            ps.setInt(2, depth);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    each.row(row(rs));
                }
            }
        }

        @Override
        public void close() {
            for (PreparedStatement ps : childQueries) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            WorkDb.discard(db, null);
        }
    }

    /** Whether some row names this contentID. */
    synchronized boolean hasContent(String contentId) throws SQLException {
        if (!contentIndexed) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE INDEX IF NOT EXISTS rows_content ON rows(content)");
            }
            db.commit();
            contentIndexed = true;
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM rows WHERE content = ? LIMIT 1")) {
            ps.setString(1, contentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public synchronized void close() {
        WorkDb.discard(db, work);
    }
}
