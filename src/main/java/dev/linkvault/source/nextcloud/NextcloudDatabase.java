package dev.linkvault.source.nextcloud;

import dev.linkvault.config.Secrets;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.PathFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * The database side of a Nextcloud source: a read-only connection (PostgreSQL, MariaDB/MySQL or
 * SQLite, one consistent transaction), the checks of its tables, each mapping resolved to its
 * storage and bucket, and the rows of {@code oc_filecache} below a mapping's prefix, streamed in
 * the one depth-first order of every source. It knows no bucket and no repository.
 */
final class NextcloudDatabase {
    private final SourceConfig.Nextcloud config;

    /**
     * A mapping resolved against the database: which storage, which bucket, the rows below which
     * {@code prefix} (ending in {@code /}, or '' for the whole storage), placed below which folders
     * of the snapshot ({@code under}: the mapping's {@code as}, and for {@code groupfolders: all}
     * the mount point's names too). {@code rootMtime}: the mtime of the row of the prefix itself,
     * or null when there is none (a group folder that never had a file).
     */
    record Target(SourceConfig.Mapping mapping, long storage, String bucket, PathFilter filter, String prefix,
                  List<String> under, Long rootMtime) {
        /** Part of a {@code groupfolders: all} mapping: one of several trees below the same top folder. */
        boolean shared() {
            return under.size() > 1;
        }
    }

    /** One row of oc_filecache below a mapping's prefix. */
    record Row(long fileid, String path, String mimetype, long size, long mtime, String etag, String checksum,
               long mimetypeId, boolean encrypted) {}

    /** Receives rows as they stream. */
    interface RowVisitor {
        void row(Row r) throws InterruptedException, SQLException;
    }

    NextcloudDatabase(SourceConfig.Nextcloud config) {
        this.config = config;
    }

    private String name() {
        return config.name();
    }

    String table(String t) {
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

    /** Checks the tables and resolves every mapping; each failure is one line naming the fix. */
    List<Target> targets() throws IOException {
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
                if (m.isGroupfolder()) {
                    out.addAll(new Groupfolders(this, config).targets(c, m));
                } else {
                    long storage = storageOf(c, m);
                    out.add(new Target(m, storage, bucketOf(c, m), PathFilter.of(m.include(), m.ignore()), m.path(),
                            List.of(m.as()), rootMtime(c, storage, m.path())));
                }
            }
            c.rollback();
            return out;
        } catch (SQLException e) {
            throw new IOException("reading the Nextcloud database of source '" + name() + "' failed: " + e.getMessage(), e);
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

    /** The mtime of the row of {@code prefix} itself (the storage's root row for ''), or null when it has none. */
    Long rootMtime(Connection c, long storage, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT mtime FROM " + table("filecache")
                + " WHERE storage = ? AND path = ?")) {
            ps.setLong(1, storage);
            ps.setString(2, prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Streams the rows of one mapping (its root row first, when there is one). */
    void rows(Connection c, Target t, RowVisitor visitor) throws SQLException, InterruptedException {
        String prefix = t.prefix();
        String root = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
        String sql = "SELECT f.fileid, f.path, m.mimetype, f.size, f.mtime, f.etag, f.checksum, f.mimetype, f.encrypted FROM "
                + table("filecache")
                + " f JOIN " + table("mimetypes") + " m ON m.id = f.mimetype WHERE f.storage = ? AND (f.path = ? OR f.path"
                + " LIKE ? ESCAPE '!') ORDER BY " + depthFirstOrder();
        try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(1000);
            ps.setLong(1, t.storage());
            ps.setString(2, root);
            ps.setString(3, likeEscape(prefix) + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    visitor.row(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                            rs.getString(6), rs.getString(7), rs.getLong(8), rs.getLong(9) != 0));
                }
            }
        }
    }

    /** Which of these fileids have a row. */
    List<Long> existing(Connection c, java.util.Set<Long> ids) throws SQLException {
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

    static String md5Hex(String s) {
        return md5(s);
    }

    static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }


    private static String md5(String s) {
        return HexFormat.of().formatHex(dev.linkvault.Digests.of("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
