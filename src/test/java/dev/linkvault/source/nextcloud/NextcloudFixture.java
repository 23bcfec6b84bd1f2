package dev.linkvault.source.nextcloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A small Nextcloud: rows in a real database built on the reference schema, objects in a real S3
 * server. Two users, nested folders, names with spaces, unicode, % and _, an empty file, rows with
 * no checksum, a right and a wrong checksum, a row whose object is gone, an object with no row,
 * trash-bin and version rows, an upload in progress.
 */
final class NextcloudFixture {
    /** path in alice's storage -> content, for the files a snapshot of files/ must hold. */
    final Map<String, String> alice = new LinkedHashMap<>();
    final Map<String, String> bob = new LinkedHashMap<>();
    long goneFileId;
    long movedFileId;

    static String schema() throws Exception {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("shared/reference/nextcloud-schema.sql");
            if (Files.exists(s)) {
                return Files.readString(s);
            }
        }
        throw new IllegalStateException("shared/reference/nextcloud-schema.sql not found beside the project");
    }

    /** Creates the tables: the reference schema (SQLite), adapted to PostgreSQL or MariaDB. */
    static void createTables(Connection c, String url) throws Exception {
        run(c, url, schema());
    }

    /** Runs SQLite DDL, adapted to the database of {@code url}. */
    static void run(Connection c, String url, String sqliteDdl) throws Exception {
        String ddl = sqliteDdl.replaceAll("(?m)--.*$", "");
        if (url.startsWith("jdbc:postgresql:")) {
            ddl = ddl.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY");
        } else if (url.startsWith("jdbc:mariadb:")) {
            ddl = ddl.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT PRIMARY KEY AUTO_INCREMENT")
                    .replaceAll("\\bpath +TEXT", "path VARCHAR(4000)").replaceAll("\\bTEXT\\b", "VARCHAR(250)")
                    .replace("\"user\"", "`user`");
        }
        try (Statement s = c.createStatement()) {
            for (String stmt : ddl.split(";")) {
                if (!stmt.isBlank()) {
                    s.execute(stmt);
                }
            }
        }
    }

    void populate(Connection c, S3Client s3, String bucket) throws Exception {
        long alice = storage(c, "object::user:alice");
        long bob = storage(c, "object::user:bob");
        storage(c, "object::store:amazon::" + bucket);
        long dir = mimetype(c, "httpd/unix-directory");
        long text = mimetype(c, "text/plain");
        long jpeg = mimetype(c, "image/jpeg");
        long bin = mimetype(c, "application/octet-stream");

        row(c, alice, "", dir, 0, 1600000000, null);
        row(c, alice, "files", dir, 0, 1600000001, null);
        row(c, alice, "files/Docs", dir, 0, 1600000002, null);
        file(c, s3, bucket, alice, "files/Docs/report 2024.txt", text, "the report", null, this.alice);
        file(c, s3, bucket, alice, "files/Docs/ünïcödé 漢字.txt", text, "unicode", null, this.alice);
        file(c, s3, bucket, alice, "files/100%_real.txt", text, "percent and underscore", null, this.alice);
        file(c, s3, bucket, alice, "files/empty.txt", text, "", null, this.alice);
        file(c, s3, bucket, alice, "files/right-sum.jpg", jpeg, "jpeg bytes", "SHA1:" + sha1("jpeg bytes"), this.alice);
        file(c, s3, bucket, alice, "files/stale-sum.bin", bin, "edited later",
                "SHA1:" + sha1("what it was before") + " MD5:00000000000000000000000000000000", this.alice);
        // A file moved into a folder made after it: its fileid is smaller than its folder's.
        long moved = file(c, s3, bucket, alice, "files/receipt.txt", text, "receipt", null, null);
        row(c, alice, "files/Tax: 2024", dir, 0, 1600000005, null);
        try (PreparedStatement ps = c.prepareStatement("UPDATE oc_filecache SET path = ?, path_hash = ? WHERE fileid = ?")) {
            ps.setString(1, "files/Tax: 2024/receipt.txt");
            ps.setString(2, md5("files/Tax: 2024/receipt.txt"));
            ps.setLong(3, moved);
            ps.executeUpdate();
        }
        this.alice.put("Tax: 2024/receipt.txt", "receipt");
        movedFileId = moved;
        row(c, alice, "files/a_b", dir, 0, 1600000003, null);
        file(c, s3, bucket, alice, "files/a_b/in.txt", text, "in a_b", null, this.alice);
        goneFileId = row(c, alice, "files/gone.txt", text, 9, 1600000004, null); // its object is gone
        file(c, s3, bucket, alice, "files/upload.txt.ocTransferId123.part", text, "half", null, null);
        file(c, s3, bucket, alice, "files_trashbin/files/old.txt.d1600000000", text, "trashed", null, null);
        file(c, s3, bucket, alice, "files_versions/Docs/report 2024.txt.v1600000000", text, "old version", null, null);
        row(c, bob, "", dir, 0, 1600000000, null);
        row(c, bob, "files", dir, 0, 1600000001, null);
        file(c, s3, bucket, bob, "files/bob.txt", text, "bob's", null, this.bob);
        file(c, s3, bucket, bob, "files/same-as-alice.txt", text, "the report", null, this.bob);
        s3.putObject(b -> b.bucket(bucket).key("urn:oid:999999"), RequestBody.fromString("no row for me"));
        c.commit();
    }

    /**
     * The groupfolders app's tables (test resource groupfolders-schema.sql, facts in groupfolders.md)
     * and three group folders: 'Team' jailed in the root storage from before the app's 2025
     * migration (no storage_id), 'Projects/Alpha' jailed after it (storage_id set) and mounted below
     * another name, 'Finance' in a storage of its own with its bucket recorded in oc_appconfig; with
     * a trashed file and a version. And carol: an encrypted file and a row whose size is stale.
     */
    final Map<String, String> groupfolders = new LinkedHashMap<>();

    void populateGroupfolders(Connection c, String url, S3Client s3, String bucket, String financeBucket) throws Exception {
        try (var in = NextcloudFixture.class.getResourceAsStream("groupfolders-schema.sql")) {
            run(c, url, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        long root = numericId(c, "object::store:amazon::" + bucket);
        long dir = id(c, "SELECT id FROM oc_mimetypes WHERE mimetype = 'httpd/unix-directory'");
        long text = id(c, "SELECT id FROM oc_mimetypes WHERE mimetype = 'text/plain'");
        row(c, root, "", dir, 0, 1600000000, null);
        row(c, root, "__groupfolders", dir, 0, 1600000000, null);
        row(c, root, "__groupfolders/1", dir, 0, 1600000200, null);
        row(c, root, "__groupfolders/1/Plans", dir, 0, 1600000201, null);
        gfFile(c, s3, bucket, root, "__groupfolders/1/Plans/q1.txt", text, "Team/Plans/q1.txt", "team plan");
        gfFile(c, s3, bucket, root, "__groupfolders/1/notes.txt", text, "Team/notes.txt", "team notes");
        row(c, root, "__groupfolders/trash", dir, 0, 1600000000, null);
        row(c, root, "__groupfolders/trash/1", dir, 0, 1600000000, null);
        gfFile(c, s3, bucket, root, "__groupfolders/trash/1/old plan.txt.d1600000300", text, null, "trashed plan");
        row(c, root, "__groupfolders/3", dir, 0, 1600000210, null);
        gfFile(c, s3, bucket, root, "__groupfolders/3/alpha.txt", text, "Projects/Alpha/alpha.txt", "alpha");
        long finance = storage(c, "object::groupfolder:2.amazon::" + financeBucket);
        row(c, finance, "", dir, 0, 1600000000, null);
        long financeRoot = row(c, finance, "files", dir, 0, 1600000220, null);
        gfFile(c, s3, financeBucket, finance, "files/Budget 2026.txt", text, "Finance/Budget 2026.txt", "budget");
        row(c, finance, "trash", dir, 0, 1600000000, null);
        row(c, finance, "versions", dir, 0, 1600000000, null);
        gfFile(c, s3, financeBucket, finance, "versions/" + 999 + "/1600000400", text, null, "old budget");
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO oc_group_folders(folder_id, mount_point, quota, acl) VALUES (1, 'Team', -3, 0)");
            s.executeUpdate("INSERT INTO oc_group_folders(folder_id, mount_point, quota, acl, root_id, storage_id, options)"
                    + " VALUES (2, 'Finance', -3, 0, " + financeRoot + ", " + finance + ", '{\"separate-storage\":true}')");
            s.executeUpdate("INSERT INTO oc_group_folders(folder_id, mount_point, quota, acl, root_id, storage_id, options)"
                    + " VALUES (3, 'Projects/Alpha', -3, 0, 0, " + root + ", '{}')");
            s.executeUpdate("INSERT INTO oc_appconfig(appid, configkey, configvalue) VALUES ('groupfolders',"
                    + " 'object_store_bucket_2', '" + financeBucket + "')");
        }
        long carol = storage(c, "object::user:carol");
        row(c, carol, "", dir, 0, 1600000000, null);
        row(c, carol, "files", dir, 0, 1600000001, null);
        long secret = file(c, s3, bucket, carol, "files/secret.txt", text, "HBEGIN:oc_encryption_module:...ciphertext", null, null);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE oc_filecache SET encrypted = 1, unencrypted_size = 6 WHERE fileid = " + secret);
        }
        long stale = file(c, s3, bucket, carol, "files/restored.txt", text, "the restored version", null, null);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE oc_filecache SET size = 7 WHERE fileid = " + stale); // the row of the version before
        }
        c.commit();
    }

    private void gfFile(Connection c, S3Client s3, String bucket, long storage, String path, long mimetype, String shownAs,
                        String content) throws Exception {
        long id = row(c, storage, path, mimetype, content.getBytes("UTF-8").length, 1600000100, null);
        s3.putObject(b -> b.bucket(bucket).key("urn:oid:" + id), RequestBody.fromString(content));
        if (shownAs != null) {
            groupfolders.put(shownAs, content);
        }
    }

    private static long numericId(Connection c, String storageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT numeric_id FROM oc_storages WHERE id = ?")) {
            ps.setString(1, storageId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long id(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long file(Connection c, S3Client s3, String bucket, long storage, String path, long mimetype, String content,
                      String checksum, Map<String, String> expected) throws Exception {
        long id = row(c, storage, path, mimetype, content.getBytes("UTF-8").length, 1600000100, checksum);
        s3.putObject(b -> b.bucket(bucket).key("urn:oid:" + id), RequestBody.fromString(content));
        if (expected != null) {
            expected.put(path.substring("files/".length()), content);
        }
        return id;
    }

    private static long storage(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO oc_storages(id) VALUES (?)",
                new String[] {"numeric_id"})) {
            ps.setString(1, id);
            ps.executeUpdate();
            return key(ps);
        }
    }

    private static long mimetype(Connection c, String m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO oc_mimetypes(mimetype) VALUES (?)",
                new String[] {"id"})) {
            ps.setString(1, m);
            ps.executeUpdate();
            return key(ps);
        }
    }

    static long row(Connection c, long storage, String path, long mimetype, long size, long mtime, String checksum)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO oc_filecache(storage, path, path_hash, name,"
                + " mimetype, size, mtime, storage_mtime, etag, checksum) VALUES (?,?,?,?,?,?,?,?,?,?)",
                new String[] {"fileid"})) {
            ps.setLong(1, storage);
            ps.setString(2, path);
            ps.setString(3, md5(path));
            ps.setString(4, path.substring(path.lastIndexOf('/') + 1));
            ps.setLong(5, mimetype);
            ps.setLong(6, size);
            ps.setLong(7, mtime);
            ps.setLong(8, mtime);
            ps.setString(9, "etag" + System.nanoTime());
            ps.setString(10, checksum);
            ps.executeUpdate();
            return key(ps);
        }
    }

    private static long key(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.getGeneratedKeys()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String sha1(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes("UTF-8")));
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes("UTF-8")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
