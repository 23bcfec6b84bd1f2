package dev.linkvault.source.nextcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.PathFilter;
import dev.linkvault.source.TreeFilter;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Group folders (the groupfolders app) resolved to the rows that hold them, in both layouts the
 * app has used: jailed in the root storage under {@code __groupfolders/<id>/}, or a storage of
 * their own with {@code files/}, {@code trash/}, {@code versions/} (the facts, with their sources,
 * are in the tests' resources: groupfolders.md).
 */
final class Groupfolders {
    private final NextcloudDatabase db;
    private final SourceConfig.Nextcloud config;

    Groupfolders(NextcloudDatabase db, SourceConfig.Nextcloud config) {
        this.db = db;
        this.config = config;
    }

    /** One row of oc_group_folders; {@code storageId}, {@code rootId}, {@code options} null before the app's 2025 migration. */
    record Folder(long id, String mountPoint, Long storageId, Long rootId, String options) {
        boolean separate() {
            if (options == null || options.isBlank()) {
                return false;
            }
            try {
                JsonNode o = new ObjectMapper().readTree(options);
                return o != null && o.path("separate-storage").asBoolean(false);
            } catch (IOException e) {
                return false;
            }
        }
    }

    List<NextcloudDatabase.Target> targets(Connection c, SourceConfig.Mapping m) throws SQLException, IOException {
        List<Folder> all = folders(c, m);
        List<Folder> chosen = new ArrayList<>();
        for (Folder f : all) {
            if (m.allGroupfolders() || f.id() == (m.groupfolderId() == null ? -1 : m.groupfolderId())
                    || f.mountPoint().equals(m.groupfolder())) {
                chosen.add(f);
            }
        }
        if (chosen.isEmpty() && !m.allGroupfolders()) {
            String what = m.groupfolder() != null ? "groupfolder '" + m.groupfolder() + "'" : "groupfolder-id " + m.groupfolderId();
            throw new IOException(what + " (mapping '" + m.as() + "') is not in " + db.table("group_folders") + "; "
                    + (all.isEmpty() ? "it has no group folders" : "the group folders are: " + String.join(", ",
                    all.stream().map(f -> "'" + f.mountPoint() + "' (id " + f.id() + ")").toList())));
        }
        if (chosen.size() > 1 && !m.allGroupfolders()) {
            throw new IOException("groupfolder '" + m.groupfolder() + "' (mapping '" + m.as() + "') names " + chosen.size()
                    + " group folders (ids " + String.join(", ", chosen.stream().map(f -> Long.toString(f.id())).toList())
                    + "); give groupfolder-id");
        }
        // in the one order of every source: the mount points' names in code-point order
        chosen.sort((a, b) -> compare(parts(a.mountPoint()), parts(b.mountPoint())));
        List<NextcloudDatabase.Target> out = new ArrayList<>();
        PathFilter filter = PathFilter.of(m.include(), m.ignore());
        for (Folder f : chosen) {
            List<String> under = new ArrayList<>(List.of(m.as()));
            if (m.allGroupfolders()) {
                under.addAll(parts(f.mountPoint()));
            }
            long storage;
            String prefix;
            String bucket;
            if (f.separate() && f.storageId() != null) {
                storage = f.storageId();
                prefix = m.part() + "/";
                bucket = separateBucket(c, f);
            } else {
                storage = f.storageId() != null ? f.storageId() : rootStorage(c);
                prefix = "__groupfolders/" + (m.part().equals("files") ? "" : m.part() + "/") + f.id() + "/";
                bucket = config.s3().multibucket() ? config.s3().bucket() + "0" : config.s3().bucket();
            }
            Long rootMtime = storage < 0 ? null : db.rootMtime(c, storage, prefix);
            out.add(new NextcloudDatabase.Target(m, storage, bucket, filter, prefix, List.copyOf(under), rootMtime));
        }
        return out;
    }

    private List<Folder> folders(Connection c, SourceConfig.Mapping m) throws SQLException, IOException {
        String t = db.table("group_folders");
        List<Folder> out = new ArrayList<>();
        boolean recent = true;
        try (PreparedStatement ps = c.prepareStatement("SELECT storage_id FROM " + t + " WHERE 1 = 0")) {
            ps.executeQuery().close();
        } catch (SQLException e) {
            recent = false; // before the app's 2025 migration: no storage_id, root_id, options
            c.rollback(); // PostgreSQL ends a transaction at its first failed statement
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + t + " WHERE 1 = 0")) {
                ps.executeQuery().close();
            } catch (SQLException e2) {
                c.rollback();
                throw new IOException("mapping '" + m.as() + "' names a group folder, but the Nextcloud database has no"
                        + " table " + t + ": is the Group folders app installed (and database.table-prefix right)?");
            }
        }
        String sql = recent ? "SELECT folder_id, mount_point, storage_id, root_id, options FROM " + t
                : "SELECT folder_id, mount_point FROM " + t;
        try (PreparedStatement ps = c.prepareStatement(sql + " ORDER BY folder_id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Folder(rs.getLong(1), rs.getString(2), recent ? nullable(rs, 3) : null,
                        recent ? nullable(rs, 4) : null, recent ? rs.getString(5) : null));
            }
        }
        return out;
    }

    private static Long nullable(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** The root storage: the one whose rows hold {@code __groupfolders}; -1 when no group folder has a file yet. */
    private long rootStorage(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT storage FROM " + db.table("filecache")
                + " WHERE path = '__groupfolders'")) {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** A separate storage's bucket: the one the app recorded, else (multibucket) the one it would compute. */
    private String separateBucket(Connection c, Folder f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT configvalue FROM " + db.table("appconfig")
                + " WHERE appid = 'groupfolders' AND configkey = ?")) {
            ps.setString(1, "object_store_bucket_" + f.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getString(1) != null && !rs.getString(1).isBlank()) {
                    return rs.getString(1);
                }
            }
        } catch (SQLException e) {
            c.rollback(); // no oc_appconfig readable: the app's own rule below
        }
        if (!config.s3().multibucket()) {
            return config.s3().bucket();
        }
        int n = Integer.parseInt(NextcloudDatabase.md5Hex(Long.toString(f.id())).substring(0, 4), 16);
        return config.s3().bucket() + (n % config.s3().numBuckets());
    }

    static List<String> parts(String mountPoint) {
        return Arrays.stream(mountPoint.split("/")).filter(p -> !p.isEmpty()).toList();
    }

    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = TreeFilter.NAME_ORDER.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
