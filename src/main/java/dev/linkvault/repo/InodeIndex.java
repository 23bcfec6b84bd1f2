package dev.linkvault.repo;

import dev.linkvault.WorkDb;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Which names of the store share an inode, kept in a throw-away SQLite file under
 * {@code .data/tmp} rather than in memory: a store can hold tens of millions of blobs.
 * Fill it, then ask; inserts are batched.
 */
public final class InodeIndex implements AutoCloseable {
    private final Path file;
    private final Connection db;
    private final PreparedStatement addBlob;
    private final PreparedStatement addAlias;
    private final PreparedStatement blobOf;
    private final PreparedStatement aliasesOf;
    private int pending;

    public InodeIndex(Path tmpDir) throws IOException {
        file = tmpDir.resolve("inodes-" + dev.linkvault.Pid.current() + "-" + System.nanoTime() + ".sqlite");
        try {
            db = WorkDb.open(file, "CREATE TABLE blob(ino INTEGER NOT NULL, id TEXT NOT NULL, copy INTEGER NOT NULL)",
                    "CREATE TABLE alias(ino INTEGER NOT NULL, path TEXT NOT NULL)");
            addBlob = db.prepareStatement("INSERT INTO blob(ino, id, copy) VALUES (?,?,?)");
            addAlias = db.prepareStatement("INSERT INTO alias(ino, path) VALUES (?,?)");
            blobOf = db.prepareStatement("SELECT id, copy FROM blob WHERE ino = ?");
            aliasesOf = db.prepareStatement("SELECT path FROM alias WHERE ino = ?");
        } catch (SQLException e) {
            throw new IOException("cannot create a work file in " + tmpDir + ": " + e.getMessage(), e);
        }
    }

    public void addBlob(long inode, BlobId id, int copy) throws IOException {
        try {
            addBlob.setLong(1, inode);
            addBlob.setString(2, id.toString());
            addBlob.setInt(3, copy);
            addBlob.executeUpdate();
            batch();
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public void addAlias(long inode, Path path) throws IOException {
        try {
            addAlias.setLong(1, inode);
            addAlias.setString(2, path.toString());
            addAlias.executeUpdate();
            batch();
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void batch() throws SQLException {
        if (++pending >= 10_000) {
            db.commit();
            pending = 0;
        }
    }

    /** Call once everything is added: builds the look-up indexes. */
    public void ready() throws IOException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE INDEX blob_ino ON blob(ino)");
            s.execute("CREATE INDEX alias_ino ON alias(ino)");
            db.commit();
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The blob (and copy number) stored at this inode, or null. */
    public String blobOf(long inode) throws IOException {
        try {
            blobOf.setLong(1, inode);
            try (ResultSet rs = blobOf.executeQuery()) {
                return rs.next() ? rs.getString(1) + (rs.getInt(2) > 0 ? "." + rs.getInt(2) : "") : null;
            }
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The alias files at this inode. */
    public List<Path> aliasesOf(long inode) throws IOException {
        List<Path> out = new ArrayList<>();
        try {
            aliasesOf.setLong(1, inode);
            try (ResultSet rs = aliasesOf.executeQuery()) {
                while (rs.next()) {
                    out.add(Path.of(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        WorkDb.discard(db, file);
    }
}
