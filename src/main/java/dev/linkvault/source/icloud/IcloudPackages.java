package dev.linkvault.source.icloud;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * macOS packages on iCloud Drive (reference §2.6): listed as one FILE, downloaded through a
 * {@code package_token} as a zip (sometimes inside a gzip) whose length is not the listed size,
 * stored unpacked as the folder the Mac holds. What a package (by drivewsid and fingerprint) held
 * is kept in a small cache of the source ({@code .data/cache/<source>/packages.db}), so an
 * unchanged package is not downloaded again; a file of it the catalog does not know makes the
 * package be downloaded once in the run and unpacked in the scratch folder.
 */
final class IcloudPackages implements AutoCloseable {
    /** Extensions of macOS package types a Drive holds (checked with by_id when first met). */
    static final java.util.Set<String> EXTENSIONS = java.util.Set.of("pages", "numbers", "key", "band", "logicx",
            "app", "framework", "bundle", "plugin", "rtfd", "photoslibrary", "imovielibrary", "fcpbundle", "scptd",
            "playground", "xcodeproj", "xcworkspace", "sparsebundle", "theater", "gbproj", "kext", "mpkg", "pkg",
            "key-tef", "pages-tef", "numbers-tef", "iwwebpackage", "musicx", "dtBase2", "oo3", "graffle", "sketch",
            "scrivx", "scriv", "textbundle", "bear", "lpdf", "xcassets", "mlmodelc");

    /** One thing inside a package: {@code type} F, D or L (a symlink, {@code target}). */
    record Inner(String path, char type, long size, int mode, long mtime, String target) {}

    /** What a package is: a package with its inner files, a plain file after all, or a zip that cannot be unpacked. */
    record Described(String kind, List<Inner> inner) {}

    private final Connection cache;
    private final Path scratch;
    /** Packages downloaded in this run: drivewsid to the folder they were unpacked in (or the zip, when broken). */
    private final Map<String, Path> unpacked = new HashMap<>();
    private final Map<String, Described> described = new HashMap<>();
    private final Map<String, Object> locks = new HashMap<>();
    private int made;

    IcloudPackages(Path cacheDir, Path scratch) throws IOException {
        this.scratch = scratch;
        Connection c = null;
        if (cacheDir != null) {
            try {
                Files.createDirectories(cacheDir);
                c = org.sqlite.JDBC.createConnection("jdbc:sqlite:" + cacheDir.resolve("packages.db"),
                        dev.linkvault.Sqlite.config().toProperties());
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout=5000");
                    s.execute("CREATE TABLE IF NOT EXISTS package(drivewsid TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
                            + " kind TEXT NOT NULL)");
                    s.execute("CREATE TABLE IF NOT EXISTS inner(drivewsid TEXT NOT NULL, path TEXT NOT NULL,"
                            + " type TEXT NOT NULL, size INTEGER NOT NULL, mode INTEGER NOT NULL, mtime INTEGER NOT NULL,"
                            + " target TEXT, PRIMARY KEY(drivewsid, path))");
                }
            } catch (SQLException e) {
                throw new IOException("the package cache in " + cacheDir + " cannot be opened: " + e.getMessage()
                        + "; delete the folder (it is only a cache)", e);
            }
        }
        this.cache = c;
    }

    /** What the cache knows of this package at this fingerprint, or null. */
    synchronized Described cached(String drivewsid, String fingerprint) throws IOException {
        if (cache == null) {
            return null;
        }
        try (PreparedStatement q = cache.prepareStatement("SELECT kind FROM package WHERE drivewsid = ? AND fingerprint = ?")) {
            q.setString(1, drivewsid);
            q.setString(2, fingerprint);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String kind = rs.getString(1);
                return new Described(kind, inner(drivewsid));
            }
        } catch (SQLException e) {
            return null; // a cache that fails is a cache that misses
        }
    }

    private List<Inner> inner(String drivewsid) throws SQLException {
        List<Inner> out = new ArrayList<>();
        try (PreparedStatement q = cache.prepareStatement("SELECT path, type, size, mode, mtime, target FROM inner"
                + " WHERE drivewsid = ? ORDER BY path")) {
            q.setString(1, drivewsid);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Inner(rs.getString(1), rs.getString(2).charAt(0), rs.getLong(3), rs.getInt(4),
                            rs.getLong(5), rs.getString(6)));
                }
            }
        }
        return out;
    }

    synchronized void remember(String drivewsid, String fingerprint, Described d) {
        if (cache == null) {
            return;
        }
        try {
            cache.setAutoCommit(false);
            try (PreparedStatement del = cache.prepareStatement("DELETE FROM inner WHERE drivewsid = ?");
                 PreparedStatement up = cache.prepareStatement("INSERT OR REPLACE INTO package VALUES (?, ?, ?)");
                 PreparedStatement ins = cache.prepareStatement("INSERT OR REPLACE INTO inner VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                del.setString(1, drivewsid);
                del.executeUpdate();
                up.setString(1, drivewsid);
                up.setString(2, fingerprint);
                up.setString(3, d.kind());
                up.executeUpdate();
                for (Inner i : d.inner()) {
                    ins.setString(1, drivewsid);
                    ins.setString(2, i.path());
                    ins.setString(3, String.valueOf(i.type()));
                    ins.setLong(4, i.size());
                    ins.setInt(5, i.mode());
                    ins.setLong(6, i.mtime());
                    ins.setString(7, i.target());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            cache.commit();
        } catch (SQLException e) {
            try {
                cache.rollback();
            } catch (SQLException ignored) {
                // the cache only misses next time
            }
        } finally {
            try {
                cache.setAutoCommit(true);
            } catch (SQLException ignored) {
                // as above
            }
        }
    }

    /**
     * Downloads a package (once per run) and unpacks it into the scratch folder; what it holds.
     * A body that is no zip (nor a gzip of one) is kept as it came, kind {@code broken}.
     */
    Described fetch(String drivewsid, DriveContent content) throws IOException {
        synchronized (lockOf(drivewsid)) {
            Described d;
            synchronized (this) {
                d = described.get(drivewsid);
            }
            if (d == null) {
                d = download(drivewsid, content);
                synchronized (this) {
                    described.put(drivewsid, d);
                }
            }
            return d;
        }
    }

    private synchronized Object lockOf(String drivewsid) {
        return locks.computeIfAbsent(drivewsid, k -> new Object());
    }

    /** Where an unpacked package's file (or a broken package's zip, path "") is, downloading it if this run has not. */
    Path file(String drivewsid, DriveContent content, String innerPath) throws IOException {
        fetch(drivewsid, content);
        Path dir;
        synchronized (this) {
            dir = unpacked.get(drivewsid);
        }
        return innerPath.isEmpty() ? dir : dir.resolve(innerPath);
    }

    private Described download(String drivewsid, DriveContent content) throws IOException {
        Path zip;
        Path dir;
        synchronized (this) {
            made++;
            zip = scratch.resolve("icloud-package-" + dev.linkvault.Pid.current() + "-" + made + ".zip");
            dir = scratch.resolve("icloud-package-" + dev.linkvault.Pid.current() + "-" + made);
        }
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try (InputStream in = content.open(false)) {
                Files.copy(in, zip, StandardCopyOption.REPLACE_EXISTING);
                last = null;
                break;
            } catch (dev.linkvault.source.TransferException e) {
                last = e;
            }
        }
        if (last != null) {
            throw last;
        }
        long zipSize = Files.size(zip);
        Path plain = ungzip(zip);
        java.util.TreeMap<String, Inner> inner = new java.util.TreeMap<>(dev.linkvault.repo.Manifest::comparePaths);
        try (ZipFile zf = ZipFile.builder().setPath(plain).get()) {
            Files.createDirectories(dir);
            for (Enumeration<ZipArchiveEntry> en = zf.getEntries(); en.hasMoreElements(); ) {
                ZipArchiveEntry e = en.nextElement();
                List<String> parts = parts(e.getName());
                if (parts.isEmpty()) {
                    continue;
                }
                String rel = String.join("/", parts);
                long mtime = e.getLastModifiedTime() == null ? 0 : e.getLastModifiedTime().toMillis() / 1000;
                for (int i = 1; i < parts.size(); i++) {
                    inner.putIfAbsent(String.join("/", parts.subList(0, i)),
                            new Inner(String.join("/", parts.subList(0, i)), 'D', 0, 0755, mtime, null));
                }
                Path to = dir.resolve(rel);
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                    inner.put(rel, new Inner(rel, 'D', 0, 0755, mtime, null));
                } else if (e.isUnixSymlink()) {
                    inner.put(rel, new Inner(rel, 'L', 0, 0777, mtime, zf.getUnixSymlink(e)));
                } else {
                    Files.createDirectories(to.getParent());
                    long size;
                    try (InputStream in = zf.getInputStream(e)) {
                        size = Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                    boolean exec = (e.getUnixMode() & 0111) != 0;
                    inner.put(rel, new Inner(rel, 'F', size, exec ? 0755 : 0644, mtime, null));
                }
            }
        } catch (IOException | RuntimeException notZip) {
            dev.linkvault.WorkDb.deleteQuietly(dir);
            if (!plain.equals(zip)) {
                Files.deleteIfExists(plain);
            }
            synchronized (this) {
                unpacked.put(drivewsid, zip); // kept as it came
            }
            return new Described("broken", List.of(new Inner("", 'F', zipSize, 0644, 0, null)));
        }
        Files.deleteIfExists(zip);
        if (!plain.equals(zip)) {
            Files.deleteIfExists(plain);
        }
        synchronized (this) {
            unpacked.put(drivewsid, dir);
        }
        return new Described("package", List.copyOf(inner.values()));
    }

    /** The zip inside a gzip, or the file itself when it is no gzip. */
    private static Path ungzip(Path f) throws IOException {
        byte[] head = new byte[2];
        try (InputStream in = Files.newInputStream(f)) {
            if (in.readNBytes(head, 0, 2) < 2 || (head[0] & 0xff) != 0x1f || (head[1] & 0xff) != 0x8b) {
                return f;
            }
        }
        Path out = f.resolveSibling(f.getFileName() + ".unzipped");
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(f)))) {
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }

    /** An entry's name as safe components: empty parts, "." and ".." dropped (nothing may land outside). */
    static List<String> parts(String name) {
        List<String> out = new ArrayList<>();
        for (String p : name.replace('\\', '/').split("/")) {
            if (!p.isEmpty() && !p.equals(".") && !p.equals("..")) {
                out.add(java.text.Normalizer.normalize(p, java.text.Normalizer.Form.NFC));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        for (Path p : unpacked.values()) {
            if (Files.isDirectory(p)) {
                dev.linkvault.WorkDb.deleteQuietly(p);
            } else {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // in the scratch folder, cleared later
                }
            }
        }
        unpacked.clear();
        if (cache != null) {
            try {
                cache.close();
            } catch (SQLException ignored) {
                // nothing to lose: a cache
            }
        }
    }
}
