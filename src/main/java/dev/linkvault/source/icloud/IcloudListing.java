package dev.linkvault.source.icloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.linkvault.WorkDb;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.Normalizer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole Drive listed into a work SQLite file ({@code retrieveItemDetailsInFolders} from the
 * root down, {@code batch} folders per request, {@code parallel} requests at once), so that it can
 * be delivered depth-first in name order whatever its size, with memory bounded by one round of
 * requests. Folders Apple refuses to list (shared by another account, gone meanwhile) are kept
 * as per-folder problems, never fatal; a dead session or a refused login is.
 */
final class IcloudListing implements AutoCloseable {
    static final String ROOT = "FOLDER::com.apple.CloudDocs::root";
    static final String TRASH = "FOLDER::com.apple.CloudDocs::TRASH_ROOT";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One listed item; {@code name} is the NFC name with its extension, {@code mtime} in whole seconds or null. */
    record Item(long id, long parent, String name, String type, String drivewsid, String docwsid, String zone,
                long size, Long mtime, String etag) {
        boolean folder() {
            return !type.equals("FILE");
        }

        /** What changes when the content may have (reference §4): etag, size, dateModified. */
        String fingerprint() {
            return etag + "|" + size + "|" + mtime;
        }
    }

    private final Path file;
    private final Connection db;
    private long nextId = 1;
    private long files;
    private long bytes;

    private IcloudListing(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    static IcloudListing create(Path scratch, String sourceName) throws IOException {
        Path f = scratch.resolve("icloud-" + sourceName + "-" + dev.linkvault.Pid.current() + "-"
                + System.nanoTime() + ".db");
        try {
            Connection db = WorkDb.open(f,
                    "CREATE TABLE item(id INTEGER PRIMARY KEY, parent INTEGER NOT NULL, name TEXT NOT NULL,"
                            + " type TEXT NOT NULL, drivewsid TEXT NOT NULL, docwsid TEXT, zone TEXT, size INTEGER,"
                            + " mtime INTEGER, etag TEXT, listed INTEGER NOT NULL DEFAULT 0)",
                    "CREATE INDEX item_children ON item(parent, name, drivewsid)",
                    "CREATE INDEX item_todo ON item(listed, type)",
                    "CREATE TABLE problem(folder INTEGER NOT NULL, message TEXT NOT NULL)");
            return new IcloudListing(f, db);
        } catch (SQLException e) {
            throw new IOException("cannot make the work file " + f + ": " + e.getMessage(), e);
        }
    }

    long files() {
        return files;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Adds a top folder (the Drive's root, the trash) under pseudo-parent 0 with the name given,
     * and lists everything below it.
     */
    long addTop(String name, String drivewsid, String zone) throws SQLException {
        long id = nextId++;
        try (PreparedStatement ins = db.prepareStatement(
                "INSERT INTO item(id, parent, name, type, drivewsid, zone) VALUES (?, 0, ?, 'FOLDER', ?, ?)")) {
            ins.setLong(1, id);
            ins.setString(2, name);
            ins.setString(3, drivewsid);
            ins.setString(4, zone);
            ins.executeUpdate();
        }
        return id;
    }

    /**
     * Lists every folder not listed yet, round after round, until none is left.
     *
     * @param appLibraries whether APP_LIBRARY items (Pages, Obsidian, ...) are folders of the tree
     */
    void listAll(IcloudClient client, int batch, int parallel, boolean appLibraries)
            throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "linkvault-icloud-list");
            t.setDaemon(true);
            return t;
        });
        try {
            while (true) {
                List<Long> ids = new ArrayList<>();
                List<String> dws = new ArrayList<>();
                try (PreparedStatement q = db.prepareStatement(
                        "SELECT id, drivewsid FROM item WHERE listed = 0 AND type <> 'FILE' ORDER BY id LIMIT ?")) {
                    q.setInt(1, batch * parallel);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            dws.add(rs.getString(2));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    break;
                }
                List<Future<JsonNode>> answers = new ArrayList<>();
                List<int[]> ranges = new ArrayList<>();
                for (int from = 0; from < ids.size(); from += batch) {
                    int to = Math.min(ids.size(), from + batch);
                    List<String> part = dws.subList(from, to);
                    ranges.add(new int[] {from, to});
                    answers.add(pool.submit(() -> request(client, part)));
                }
                for (int i = 0; i < answers.size(); i++) {
                    int[] r = ranges.get(i);
                    JsonNode answer = await(answers.get(i));
                    for (int k = r[0]; k < r[1]; k++) {
                        JsonNode folder = answer == null ? null : find(answer, dws.get(k), k - r[0]);
                        store(ids.get(k), dws.get(k), folder, answer == null, appLibraries);
                    }
                }
                db.commit();
            }
        } catch (SQLException e) {
            throw new IOException("the work file " + file + " failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One request for some folders; null when Apple refused the whole request (told per folder then). */
    private JsonNode request(IcloudClient client, List<String> drivewsids) throws IOException, InterruptedException {
        ArrayNode body = JSON.createArrayNode();
        for (String d : drivewsids) {
            body.addObject().put("drivewsid", d).put("partialData", false).put("includeHierarchy", false);
        }
        try {
            return client.drivews("/retrieveItemDetailsInFolders", body.toString());
        } catch (IcloudException fatal) {
            throw fatal;
        } catch (IOException refused) {
            if (drivewsids.size() == 1) {
                return JSON.createArrayNode().add(JSON.createObjectNode().put("drivewsid", drivewsids.get(0))
                        .put("status", "REFUSED").put("message", refused.getMessage()));
            }
            return null;
        }
    }

    private static JsonNode await(Future<JsonNode> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The answer for one folder: by position (answers come in request order), checked by drivewsid. */
    private static JsonNode find(JsonNode answer, String drivewsid, int position) {
        if (answer.isArray() && position < answer.size() && drivewsid.equals(answer.get(position).path("drivewsid").asText())) {
            return answer.get(position);
        }
        for (JsonNode n : answer) {
            if (drivewsid.equals(n.path("drivewsid").asText()) || (drivewsid.equals(TRASH) && "TRASH_ROOT".equals(n.path("drivewsid").asText()))) {
                return n;
            }
        }
        return answer.isArray() && position < answer.size() ? answer.get(position) : null;
    }

    /**
     * Keeps what Apple answered for one folder: its children, or a per-folder problem.
     * {@code batchRefused}: the request it was in failed as a whole (a request of one never does,
     * see {@link #request}), so it is asked again alone.
     */
    private void store(long id, String drivewsid, JsonNode folder, boolean batchRefused, boolean appLibraries)
            throws SQLException {
        if (batchRefused) {
            markListed(id, ALONE);
            return;
        }
        String status = folder == null ? "MISSING" : folder.path("status").asText("OK");
        if (folder == null || !folder.has("items")) {
            String why = switch (status) {
                case "ID_INVALID" -> "iCloud says this folder does not exist any more (ID_INVALID); listed next run";
                case "REFUSED" -> "iCloud refused to list this folder (" + folder.path("message").asText() + "); a folder"
                        + " shared by another account is often so";
                default -> "iCloud gave no listing for this folder (" + status + ")";
            };
            problem(id, why);
            markListed(id, LISTED);
            return;
        }
        try (PreparedStatement ins = db.prepareStatement("INSERT INTO item(id, parent, name, type, drivewsid, docwsid,"
                + " zone, size, mtime, etag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (JsonNode it : folder.path("items")) {
                String type = it.path("type").asText();
                boolean file = type.equals("FILE") || type.equals("FILE_IN_SHARED_FOLDER");
                boolean dir = type.equals("FOLDER") || type.equals("APP_CONTAINER") || type.equals("SHARED_FOLDER")
                        || type.equals("FOLDER_IN_SHARED_FOLDER") || type.equals("APP_LIBRARY") && appLibraries;
                if (!file && !dir) {
                    continue;
                }
                long size = it.path("size").asLong(0);
                ins.setLong(1, nextId++);
                ins.setLong(2, id);
                ins.setString(3, fullName(it));
                ins.setString(4, file ? "FILE" : "FOLDER");
                ins.setString(5, it.path("drivewsid").asText());
                ins.setString(6, it.path("docwsid").asText(null));
                ins.setString(7, it.path("zone").asText(null));
                ins.setLong(8, size);
                Long t = seconds(it.path("dateModified").asText(null));
                if (t == null) {
                    t = seconds(it.path("dateCreated").asText(null));
                }
                if (t == null) {
                    ins.setNull(9, java.sql.Types.INTEGER);
                } else {
                    ins.setLong(9, t);
                }
                ins.setString(10, it.path("etag").asText(""));
                ins.addBatch();
                if (file) {
                    files++;
                    bytes += size;
                }
            }
            ins.executeBatch();
        }
        markListed(id, LISTED);
    }

    /** {@code listed}: 0 to be listed, {@link #LISTED}, or {@link #ALONE} (to be asked again in a request of its own). */
    private static final int LISTED = 1;
    private static final int ALONE = 2;

    private void markListed(long id, int listed) throws SQLException {
        try (PreparedStatement u = db.prepareStatement("UPDATE item SET listed = ? WHERE id = ?")) {
            u.setInt(1, listed);
            u.setLong(2, id);
            u.executeUpdate();
        }
    }

    /** Folders whose batch was refused are listed again one per request. */
    void listRefusedAlone(IcloudClient client, boolean appLibraries) throws IOException, InterruptedException {
        try {
            List<Long> ids = new ArrayList<>();
            List<String> dws = new ArrayList<>();
            try (var s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT id, drivewsid FROM item WHERE listed = " + ALONE + " ORDER BY id")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    dws.add(rs.getString(2));
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                JsonNode a = request(client, List.of(dws.get(i)));
                store(ids.get(i), dws.get(i), a == null ? null : find(a, dws.get(i), 0), false, appLibraries);
            }
            db.commit();
        } catch (SQLException e) {
            throw new IOException("the work file " + file + " failed: " + e.getMessage(), e);
        }
    }

    boolean anyRefusedBatch() throws SQLException {
        try (var s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM item WHERE listed = " + ALONE + " LIMIT 1")) {
            return rs.next();
        }
    }

    private void problem(long folder, String message) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO problem(folder, message) VALUES (?, ?)")) {
            p.setLong(1, folder);
            p.setString(2, message);
            p.executeUpdate();
        }
    }

    /** {@code name} + "." + {@code extension} (no dot without one), in NFC (Apple sends NFD). */
    static String fullName(JsonNode it) {
        String name = it.path("name").asText("");
        String ext = it.path("extension").asText("");
        String full = ext.isEmpty() ? name : name + "." + ext;
        return Normalizer.normalize(full, Normalizer.Form.NFC);
    }

    /** An ISO-8601 time with any offset, in whole seconds; null when absent or unreadable. */
    static Long seconds(String iso) {
        if (iso == null || iso.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(iso).toEpochSecond();
        } catch (RuntimeException e) {
            try {
                return Instant.parse(iso).getEpochSecond();
            } catch (RuntimeException again) {
                return null;
            }
        }
    }

    /** The children of a folder in name order (code points: SQLite's BINARY order of UTF-8), ties by drivewsid. */
    List<Item> children(long parent) throws SQLException {
        List<Item> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT id, parent, name, type, drivewsid, docwsid, zone, size,"
                + " mtime, etag FROM item WHERE parent = ? ORDER BY name, drivewsid")) {
            q.setLong(1, parent);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long m = rs.getLong(9);
                    out.add(new Item(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getLong(8), rs.wasNull() ? null : m, rs.getString(10)));
                }
            }
        }
        return out;
    }

    /** What was met listing a folder: per-folder errors. */
    List<String> problems(long folder) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT message FROM problem WHERE folder = ?")) {
            q.setLong(1, folder);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        WorkDb.discard(db, file);
    }
}
