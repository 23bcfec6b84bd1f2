package dev.linkvault.source.mycloud;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A restsdk dump built on the reference columns of table {@code Files}: {@code db/index.db} and
 * {@code files/} (sharded by the contentID's first character, or flat).
 */
public final class MycloudFixture implements AutoCloseable {
    public static final String DIR = "application/x.wd.dir";
    public static final long T0 = 1_500_000_000_000L;

    public final Path root;
    public final Path indexDb;
    public final Path files;
    private final Connection db;
    private final PreparedStatement insert;
    private int next = 1;

    public enum Layout { SHARDED, FLAT, NONE }

    public MycloudFixture(Path root) throws IOException, SQLException {
        this.root = root;
        this.indexDb = Files.createDirectories(root.resolve("restsdk/data/db")).resolve("index.db");
        this.files = Files.createDirectories(root.resolve("restsdk/data/files"));
        db = DriverManager.getConnection("jdbc:sqlite:" + indexDb);
        try (Statement s = db.createStatement()) {
            // Each row is committed as it is written (tests read between writes), without an fsync each.
            s.execute("PRAGMA synchronous=OFF");
            // The columns the reference names, among the 87 of a real device.
            s.execute("CREATE TABLE Files(id TEXT NOT NULL, autoID INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " parentID TEXT REFERENCES Files(id), contentID TEXT, version INTEGER NOT NULL DEFAULT 1,"
                    + " name TEXT NOT NULL, birthTime INTEGER NOT NULL, cTime INTEGER NOT NULL, uTime INTEGER,"
                    + " mTime INTEGER, size INTEGER NOT NULL DEFAULT 0, mimeType TEXT NOT NULL DEFAULT '',"
                    + " storageID TEXT NOT NULL DEFAULT 'local', hidden INTEGER NOT NULL DEFAULT 1,"
                    + " imageDate INTEGER, videoDate INTEGER, imageWidth INTEGER, imageHeight INTEGER,"
                    + " contentHash TEXT, custom TEXT)");
            s.execute("CREATE UNIQUE INDEX files_id ON Files(id)");
        }
        insert = db.prepareStatement("INSERT INTO Files(id, parentID, contentID, name, birthTime, cTime, mTime, size,"
                + " mimeType, imageDate, videoDate) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    }

    /** An id like the device's: 24 chars of [a-z2-7] (a counter written in base 32, fixed width). */
    public String newId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        char[] id = new char[24];
        long v = next++;
        for (int i = id.length - 1; i >= 0; i--) {
            id[i] = alphabet.charAt((int) (v & 31));
            v >>= 5;
        }
        return new String(id);
    }

    public String root(String name) throws SQLException {
        return row(null, name, DIR, null, 0, T0, null, null, null);
    }

    public String dir(String parent, String name) throws SQLException {
        return row(parent, name, DIR, null, 0, T0, null, null, null);
    }

    /** A file whose bytes are {@code text}, with capture date {@code imageDate} (ms, or null). */
    public String file(String parent, String name, String text, Layout layout, Long imageDate) throws SQLException, IOException {
        String content = newId() + "c";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(content, bytes, layout);
        return row(parent, name, "image/jpeg", content, bytes.length, T0, imageDate, null, null);
    }

    public void write(String contentId, byte[] bytes, Layout layout) throws IOException {
        if (layout == Layout.SHARDED) {
            Files.write(Files.createDirectories(files.resolve(contentId.substring(0, 1))).resolve(contentId), bytes);
        } else if (layout == Layout.FLAT) {
            Files.write(files.resolve(contentId), bytes);
        }
    }

    public String row(String parent, String name, String mime, String content, long size, long cTime, Long imageDate,
               Long videoDate, String id) throws SQLException {
        String rowId = id != null ? id : newId();
        insert.setString(1, rowId);
        insert.setString(2, parent);
        insert.setString(3, content);
        insert.setString(4, name);
        insert.setLong(5, cTime + 1000);
        insert.setLong(6, cTime);
        insert.setLong(7, cTime + 5000);
        insert.setLong(8, size);
        insert.setString(9, mime);
        setLong(10, imageDate);
        setLong(11, videoDate);
        insert.executeUpdate();
        return rowId;
    }

    private void setLong(int i, Long v) throws SQLException {
        if (v == null) {
            insert.setNull(i, java.sql.Types.INTEGER);
        } else {
            insert.setLong(i, v);
        }
    }

    public void sql(String statement) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(statement);
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        db.close();
    }
}
