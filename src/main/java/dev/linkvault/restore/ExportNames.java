package dev.linkvault.restore;

import dev.linkvault.WorkDb;

import dev.linkvault.RelPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The names an export gives on a target that refuses some (see {@link PortableNames}) and
 * cannot tell case apart: every refused character replaced, and a name that would then meet
 * another in its folder (also differing only in case) told apart by "~2", "~3"... in the order
 * of the manifest, so the same snapshot always exports to the same names. What is given is
 * kept in a throw-away SQLite file, not in memory: a snapshot can hold millions of paths.
 */
final class ExportNames implements AutoCloseable {
    private final Path file;
    private final Connection db;
    private final PreparedStatement findDir;
    private final PreparedStatement addDir;
    private final PreparedStatement taken;
    private final PreparedStatement take;

    /** @param scratch the folder for the work file (the repository's .data/tmp where writable), or null for the system's */
    ExportNames(Path scratch) throws IOException {
        file = scratch != null ? Files.createTempFile(scratch, "export-names-", ".sqlite")
                : Files.createTempFile("linkvault-export-names-", ".sqlite");
        try {
            db = WorkDb.open(file, "CREATE TABLE dirs(orig TEXT PRIMARY KEY, given TEXT NOT NULL) WITHOUT ROWID",
                    "CREATE TABLE names(folder TEXT NOT NULL, folded TEXT NOT NULL, orig TEXT NOT NULL,"
                            + " given TEXT NOT NULL, PRIMARY KEY(folder, folded)) WITHOUT ROWID");
            findDir = db.prepareStatement("SELECT given FROM dirs WHERE orig = ?");
            addDir = db.prepareStatement("INSERT OR REPLACE INTO dirs(orig, given) VALUES (?,?)");
            taken = db.prepareStatement("SELECT orig, given FROM names WHERE folder = ? AND folded = ?");
            take = db.prepareStatement("INSERT INTO names(folder, folded, orig, given) VALUES (?,?,?,?)");
        } catch (SQLException e) {
            Files.deleteIfExists(file);
            throw new IOException("cannot keep export names in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The path {@code orig} (relative to the export folder) gets there; asked once per path, parents first. */
    RelPath give(RelPath orig, boolean dir) throws IOException {
        try {
            String folder = orig.depth() <= 1 ? "" : given(orig.parent());
            String name = PortableNames.fix(orig.name());
            String candidate = name;
            for (int n = 2; ; n++) {
                taken.setString(1, folder);
                taken.setString(2, PortableNames.folded(candidate));
                try (ResultSet rs = taken.executeQuery()) {
                    if (!rs.next()) {
                        break;
                    }
                    if (rs.getString(1).equals(orig.name())) {
                        // The same path again (a manifest lists each once; be safe).
                        return RelPath.parse(folder.isEmpty() ? rs.getString(2) : folder + "/" + rs.getString(2));
                    }
                }
                candidate = RelPath.tagged(name, Integer.toString(n));
            }
            take.setString(1, folder);
            take.setString(2, PortableNames.folded(candidate));
            take.setString(3, orig.name());
            take.setString(4, candidate);
            take.executeUpdate();
            String path = folder.isEmpty() ? candidate : folder + "/" + candidate;
            if (dir) {
                addDir.setString(1, orig.toString());
                addDir.setString(2, path);
                addDir.executeUpdate();
            }
            return RelPath.parse(path);
        } catch (SQLException e) {
            throw new IOException("keeping export names failed: " + e.getMessage(), e);
        }
    }

    /** The path a folder was given, once {@link #give} has placed it. */
    String given(RelPath dir) throws SQLException {
        findDir.setString(1, dir.toString());
        try (ResultSet rs = findDir.executeQuery()) {
            return rs.next() ? rs.getString(1) : dir.toString();
        }
    }

    @Override
    public void close() {
        WorkDb.discard(db, file);
    }
}
