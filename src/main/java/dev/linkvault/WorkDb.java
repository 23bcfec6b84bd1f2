package dev.linkvault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throw-away SQLite file for what must not be held in memory (millions of rows): no journal,
 * no syncing (it is never reopened after a crash), statements in one transaction until commit.
 */
public final class WorkDb {
    private WorkDb() {}

    /** Creates {@code file} with {@code schema} run in it; the caller commits and finally {@link #discard}s it. */
    public static Connection open(Path file, String... schema) throws SQLException {
        Connection db = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + file, Sqlite.config().toProperties());
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=OFF");
            s.execute("PRAGMA synchronous=OFF");
            for (String sql : schema) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            discard(db, file);
            throw e;
        }
        db.setAutoCommit(false);
        return db;
    }

    /** Closes the connection (if any) and deletes the file, quietly: what is left over is in a temp folder. */
    public static void discard(Connection db, Path file) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // a throw-away file
            }
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // left in a temp folder that is cleared later
            }
        }
    }

    /** Deletes a folder tree of throw-away files, quietly: what is left is in a temp folder cleared later. */
    public static void deleteQuietly(Path top) {
        try (var walk = Files.walk(top)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // cleared later
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // cleared later
        }
    }
}
