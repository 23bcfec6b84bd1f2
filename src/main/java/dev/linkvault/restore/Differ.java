package dev.linkvault.restore;

import dev.linkvault.RelPath;
import dev.linkvault.WorkDb;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What changed between two snapshots, path by path: added, removed, content changed, kind
 * changed, or only metadata (mode, mtime). The first manifest goes into a throw-away SQLite file,
 * the second is streamed against it: memory stays flat whatever the snapshots' size, and the
 * manifests' order does not matter.
 */
public final class Differ {
    private final Repository repo;

    /** One change: {@code +} added, {@code -} removed, {@code M} content, {@code T} kind, {@code U} mode or mtime. */
    public record Change(char what, String path, Manifest.Type type, long size, String detail) {}

    /** The counts at the end, and the bytes added and removed. */
    public record Totals(long added, long removed, long changed, long metadata, long addedBytes, long removedBytes) {}

    /** Receives changes as they are found. */
    public interface Listener {
        void change(Change c) throws IOException;
    }

    private final boolean scratchInRepository;

    public Differ(Repository repo) {
        this(repo, true);
    }

    /** {@code scratchInRepository} false: the work file goes to the system's temporary folder (a server never writes in the repository). */
    public Differ(Repository repo, boolean scratchInRepository) {
        this.repo = repo;
        this.scratchInRepository = scratchInRepository;
    }

    public Totals diff(String a, String b, RelPath base, Listener out) throws IOException {
        String nameA = repo.completeSnapshot(a).name();
        String nameB = repo.completeSnapshot(b).name();
        // .data/tmp where it can be written (every writer empties it), else the system's temporary folder
        Path file = scratchInRepository && Files.isDirectory(repo.tmpDir()) && Files.isWritable(repo.tmpDir())
                ? Files.createTempFile(repo.tmpDir(), "diff-", ".sqlite") : Files.createTempFile("linkvault-diff-", ".sqlite");
        Connection db = null;
        long[] t = new long[6];
        try {
            db = WorkDb.open(file, "CREATE TABLE a(path TEXT PRIMARY KEY, type TEXT, mode INTEGER, size INTEGER,"
                    + " mtime TEXT, blob TEXT, target TEXT, seen INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID");
            try (PreparedStatement put = db.prepareStatement("INSERT OR REPLACE INTO a VALUES (?,?,?,?,?,?,?,0)")) {
                repo.readManifest(nameA, it -> {
                    if (!base.contains(RelPath.parse(it.path()))) {
                        return;
                    }
                    try {
                        put.setString(1, it.path());
                        put.setString(2, it.type().name());
                        put.setInt(3, it.mode());
                        put.setLong(4, it.size());
                        put.setString(5, it.mtime().toString());
                        put.setString(6, it.blob());
                        put.setString(7, it.target());
                        put.executeUpdate();
                    } catch (SQLException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                });
            }
            Connection c = db;
            try (PreparedStatement get = db.prepareStatement("SELECT type, mode, size, mtime, blob, target FROM a WHERE path = ?");
                 PreparedStatement seen = db.prepareStatement("UPDATE a SET seen = 1 WHERE path = ?")) {
                repo.readManifest(nameB, it -> {
                    if (!base.contains(RelPath.parse(it.path()))) {
                        return;
                    }
                    try {
                        get.setString(1, it.path());
                        try (ResultSet rs = get.executeQuery()) {
                            if (!rs.next()) {
                                t[0]++;
                                t[4] += it.size();
                                out.change(new Change('+', it.path(), it.type(), it.size(), null));
                                return;
                            }
                            Manifest.Type type = Manifest.Type.valueOf(rs.getString(1));
                            String detail = null;
                            char what = 0;
                            if (type != it.type()) {
                                what = 'T';
                                detail = type.name().toLowerCase() + " -> " + it.type().name().toLowerCase();
                            } else if (!java.util.Objects.equals(rs.getString(5), it.blob())
                                    || !java.util.Objects.equals(rs.getString(6), it.target())) {
                                what = 'M';
                                detail = rs.getLong(3) + " -> " + it.size() + " bytes";
                            } else if (rs.getInt(2) != it.mode() || !rs.getString(4).equals(it.mtime().toString())) {
                                what = 'U';
                                detail = rs.getInt(2) != it.mode() ? String.format("mode %04o -> %04o", rs.getInt(2), it.mode())
                                        : "mtime " + rs.getString(4) + " -> " + it.mtime();
                            }
                            if (what != 0) {
                                if (what == 'U') {
                                    t[3]++;
                                } else {
                                    t[2]++;
                                }
                                out.change(new Change(what, it.path(), it.type(), it.size(), detail));
                            }
                        }
                        seen.setString(1, it.path());
                        seen.executeUpdate();
                    } catch (SQLException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                });
            }
            try (PreparedStatement gone = c.prepareStatement("SELECT path, type, size FROM a WHERE seen = 0 ORDER BY path");
                 ResultSet rs = gone.executeQuery()) {
                while (rs.next()) {
                    t[1]++;
                    t[5] += rs.getLong(3);
                    out.change(new Change('-', rs.getString(1), Manifest.Type.valueOf(rs.getString(2)), rs.getLong(3), null));
                }
            }
        } catch (SQLException e) {
            throw new IOException("comparing the manifests failed: " + e.getMessage(), e);
        } finally {
            WorkDb.discard(db, file);
        }
        return new Totals(t[0], t[1], t[2], t[3], t[4], t[5]);
    }
}
