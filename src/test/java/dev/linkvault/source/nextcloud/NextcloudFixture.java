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
        String ddl = schema().replaceAll("(?m)--.*$", "");
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
