package dev.linkvault.source.mycloud;

import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.DiskFile;
import dev.linkvault.source.Entry;
import dev.linkvault.source.PathFilter;
import dev.linkvault.source.TreeFilter;
import dev.linkvault.RelPath;
import dev.linkvault.source.Sink;
import dev.linkvault.source.Source;
import dev.linkvault.source.PathFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A dead WD MyCloud's restsdk dump: names and folders from {@code index.db} (rows linked by
 * {@code parentID}), bytes from {@code files/<first char>/<contentID>} or {@code files/<contentID>}.
 *
 * <p>Under the source's folder: the single user's tree, or one folder per user root when there
 * are several; {@code [Trash]} when asked for; {@code [orphaned]} for rows no root leads to, in
 * one folder per missing parent ({@code parent <id>}) or cut cycle ({@code cycle <id>}). Two rows
 * with one name in one folder both stay: the younger gets {@code ~<row id>} before its extension.
 */
public final class MycloudSource implements Source {
    static final String TRASH = "[Trash]";
    static final String ORPHANED = "[orphaned]";
    private static final Pattern CONTENT_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final int FILE_MODE = 0644;
    private static final int DIR_MODE = 0755;

    private final SourceConfig.Mycloud config;
    private final PathFilter filter;
    private final Path scratch;
    private MycloudIndex.Device device;
    private MycloudIndex index;
    /** What building the index met, {kind, message}: told to every scan. */
    private List<String[]> buildProblems = List.of();
    private static final int MAX_NOTES = 1000;

    /** @param scratch where the work copy of the rows goes (the repository's .data/tmp: it can be large) */
    public MycloudSource(SourceConfig.Mycloud config, Path scratch) {
        this.config = config;
        this.filter = PathFilter.of(config.include(), config.ignore());
        this.scratch = scratch;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public void check() throws IOException {
        if (!Files.isDirectory(config.files())) {
            throw new IOException("files folder " + config.files() + " of source '" + config.name() + "' "
                    + (Files.exists(config.files()) ? "is not a folder" : "does not exist")
                    + "; point 'files' at restsdk/data/files");
        }
        MycloudIndex.Device d = device();
        if (!config.users().isEmpty()) {
            List<String> roots = new ArrayList<>();
            try (var s = d.connection().createStatement(); var rs = s.executeQuery(
                    "SELECT id, name FROM Files WHERE (parentID IS NULL OR parentID = '') AND name <> '"
                            + MycloudIndex.TRASH_ROOT + "' ORDER BY name")) {
                while (rs.next()) {
                    roots.add(rs.getString(1));
                    roots.add(rs.getString(2));
                }
            } catch (SQLException e) {
                throw new IOException("index-db " + config.indexDb() + " cannot be read: " + MycloudIndex.firstLine(e), e);
            }
            for (String u : config.users()) {
                if (!roots.contains(u)) {
                    List<String> names = new ArrayList<>();
                    for (int i = 1; i < roots.size(); i += 2) {
                        names.add(roots.get(i));
                    }
                    throw new IOException("source '" + config.name() + "': users: '" + u + "' is not a user root of"
                            + " index.db; its user roots are: " + String.join(", ", names));
                }
            }
        }
    }

    /** What opening and placing met, {kind, message}: told to every scan (at most {@link #MAX_NOTES}). */
    private final List<String[]> found = new ArrayList<>();
    private final MycloudIndex.Problems keep = new MycloudIndex.Problems() {
        @Override
        public void note(String message) {
            add("note", message);
        }

        @Override
        public void error(String message) {
            add("error", message);
        }

        private void add(String kind, String message) {
            synchronized (found) {
                if (found.size() < MAX_NOTES) {
                    found.add(new String[] {kind, message});
                } else if (found.size() == MAX_NOTES) {
                    found.add(new String[] {"note", "more notes about index.db left out"});
                }
            }
        }
    };

    /** The device's database, opened once (check and scan share it: a copy of a -wal dump is made once). */
    private synchronized MycloudIndex.Device device() throws IOException {
        if (device == null) {
            device = MycloudIndex.openDevice(config.indexDb(), scratch, keep::note);
        }
        return device;
    }

    /**
     * The placed rows, made on first use. Safe to call from two threads: a live terminal scans
     * once more alongside the snapshot to estimate its size.
     */
    private synchronized MycloudIndex index() throws IOException {
        if (index == null) {
            index = MycloudIndex.build(device().connection(), scratch, keep);
            synchronized (found) {
                buildProblems = List.copyOf(found);
            }
        }
        return index;
    }

    @Override
    public void scan(Sink sink) throws IOException, InterruptedException {
        List<String> top = List.of(config.name());
        MycloudIndex idx = index();
        for (String[] p : buildProblems) {
            if (p[0].equals("error")) {
                sink.error(top, p[1]);
            } else {
                sink.note(top, p[1]);
            }
        }
        Instant topTime = Files.getLastModifiedTime(config.indexDb()).toInstant();
        try (MycloudIndex.Reader reader = idx.reader()) {
            Walk walk = new Walk(idx, reader, sink, topTime);
            walk.tree.top(Entry.dir(top, topTime, DIR_MODE));
            walk.all();
            walk.tree.finish();
        } catch (SQLException e) {
            throw new IOException("reading the rows of " + config.indexDb() + " failed: " + MycloudIndex.firstLine(e), e);
        }
    }

    /** One pass over the placed rows, depth-first in name order. */
    private final class Walk {
        private final MycloudIndex idx;
        private final MycloudIndex.Reader rows;
        private final Sink sink;
        private final TreeFilter tree;
        private final Instant fallbackTime;

        Walk(MycloudIndex idx, MycloudIndex.Reader rows, Sink sink, Instant fallbackTime) {
            this.idx = idx;
            this.rows = rows;
            this.sink = sink;
            this.tree = new TreeFilter(filter, sink);
            this.fallbackTime = fallbackTime;
        }

        void all() throws SQLException, InterruptedException {
            List<String> top = List.of(config.name());
            List<MycloudIndex.Row> users = new ArrayList<>();
            for (MycloudIndex.Row r : rows.roots("user")) {
                if (config.users().isEmpty() || config.users().contains(r.id()) || config.users().contains(r.name())) {
                    users.add(r);
                }
            }
            List<MycloudIndex.Row> trash = rows.roots("trash");
            List<String> parents = rows.missingParents();
            List<MycloudIndex.Row> cycles = rows.roots("cycle");
            Set<String> reserved = new HashSet<>();
            if (config.trash() && !trash.isEmpty()) {
                reserved.add(TRASH);
            }
            if (!parents.isEmpty() || !cycles.isEmpty()) {
                reserved.add(ORPHANED);
            }
            if (users.size() == 1 && users.get(0).dir()) {
                // One user: their tree is the source's folder.
                children(users.get(0).id(), 1, top, reserved);
            } else {
                Names names = new Names(top, reserved);
                for (MycloudIndex.Row u : users) {
                    row(u, names.place(u), 1);
                }
            }
            if (!trash.isEmpty() && !config.trash()) {
                sink.note(top, "the Trash of index.db is left out; set 'trash: true' on this source to keep it");
            }
            if (config.trash()) {
                for (int i = 0; i < trash.size(); i++) {
                    List<String> at = append(top, i == 0 ? TRASH : RelPath.tagged(TRASH, tag(trash.get(i).id())));
                    MycloudIndex.Row t = trash.get(i);
                    group(at, t, () -> children(t.id(), 1, at, Set.of()));
                }
            }
            List<String> orphaned = append(top, ORPHANED);
            if (!parents.isEmpty() || !cycles.isEmpty()) {
                group(orphaned, null, () -> {
                    for (String parent : parents) {
                        List<String> at = append(orphaned, "parent " + tag(parent));
                        sink.note(at, "rows whose parent " + parent + " is not a folder in index.db (missing, or a"
                                + " file); kept here");
                        group(at, null, () -> children(parent, 0, at, Set.of()));
                    }
                    for (MycloudIndex.Row c : cycles) {
                        List<String> at = append(orphaned, "cycle " + tag(c.id()));
                        group(at, null, () -> row(c, append(at, c.ename()), 1));
                    }
                });
            }
            for (String cycle : idx.cycles()) {
                sink.note(orphaned, "rows of index.db whose parents form a cycle, cut at the oldest and kept here: "
                        + cycle);
            }
        }

        private interface Body {
            void run() throws SQLException, InterruptedException;
        }

        /** A folder linkvault makes (no row of its own, or a root shown under another name). */
        private void group(List<String> at, MycloudIndex.Row row, Body body) throws SQLException, InterruptedException {
            tree.group(Entry.dir(at, row == null ? fallbackTime : time(row), DIR_MODE));
            body.run();
        }

        void children(String parent, int depth, List<String> at, Set<String> reserved)
                throws SQLException, InterruptedException {
            Names names = new Names(at, reserved);
            rows.children(parent, depth, r -> row(r, names.place(r), depth + 1));
        }

        /** Sends one row (a folder with all below it, or a file) at the path chosen for it. */
        void row(MycloudIndex.Row r, List<String> parts, int childDepth) throws SQLException, InterruptedException {
            String rel = String.join("/", parts.subList(1, parts.size()));
            if (r.dir()) {
                if (tree.dir(Entry.dir(parts, time(r), DIR_MODE))) {
                    children(r.id(), childDepth, parts, Set.of());
                }
                return;
            }
            if (filter.keeps(rel)) {
                file(r, parts);
            }
        }

        private void file(MycloudIndex.Row r, List<String> parts) throws InterruptedException {
            Path bytes = null;
            BasicFileAttributes a = null;
            String c = r.content();
            if (c != null && !c.isEmpty()) {
                if (!CONTENT_ID.matcher(c).matches() || c.equals("..")) {
                    sink.error(parts, "contentID '" + c + "' of row " + r.id() + " is not a plain file name; not read");
                    return;
                }
                Path shard = config.files().resolve(c.substring(0, 1));
                // In a flat dump there is no shard folder: skip a failing look-up per file.
                Path[] places = shardExists(shard) ? new Path[] {shard.resolve(c), config.files().resolve(c)}
                        : new Path[] {config.files().resolve(c)};
                for (Path p : places) {
                    try {
                        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        if (a.isRegularFile()) {
                            bytes = p;
                            break;
                        }
                    } catch (IOException absent) {
                        // try the next layout
                    }
                }
            }
            if (bytes == null) {
                if (r.size() == 0) {
                    tree.leaf(Entry.file(parts, 0, time(r), FILE_MODE, null, null, null, InputStream::nullInputStream));
                } else {
                    sink.error(parts, c == null || c.isEmpty()
                            ? "row " + r.id() + " has no contentID: its bytes cannot be found"
                            : "bytes missing: neither files/" + c.charAt(0) + "/" + c + " nor files/" + c + " exists"
                            + " (row " + r.id() + ", " + r.size() + " bytes)");
                }
                return;
            }
            if (a.size() != r.size()) {
                sink.note(parts, "index.db says " + r.size() + " bytes, " + config.files().relativize(bytes) + " has "
                        + a.size() + "; stored as found");
            }
            tree.leaf(Entry.file(parts, a.size(), time(r), FILE_MODE, c, fingerprint(a), null, new DiskFile(bytes, FINGERPRINT)));
        }

        private Instant time(MycloudIndex.Row r) {
            return r.time() == null ? fallbackTime : Instant.ofEpochMilli(r.time());
        }

        /** The names given in one folder: a row's own when free, else told apart by its id; renames are noted. */
        private final class Names {
            private final List<String> at;
            private final Set<String> reserved;
            private String previous;

            Names(List<String> at, Set<String> reserved) {
                this.at = at;
                this.reserved = reserved;
            }

            List<String> place(MycloudIndex.Row r) {
                String name = r.ename();
                if (name.equals(previous) || reserved.contains(name)) {
                    name = RelPath.tagged(r.ename(), tag(r.id()));
                    sink.note(append(at, name), "another entry in this folder is named '" + r.ename()
                            + "'; this one (row " + r.id() + ") is stored as '" + name + "'");
                } else if (!name.equals(r.name())) {
                    sink.note(append(at, name), "name '" + RelPath.display(List.of(r.name())) + "' (row " + r.id()
                            + ") cannot be a file name; stored as '" + name + "'");
                }
                previous = r.ename();
                return append(at, name);
            }
        }
    }

    /** A row id as part of a file name: anything but letters, digits, '-' and '_' becomes '_', at most 64 chars. */
    static String tag(String id) {
        String t = id.replaceAll("[^A-Za-z0-9_-]", "_");
        return t.length() > 64 ? t.substring(0, 64) : t;
    }

    private static List<String> append(List<String> at, String name) {
        List<String> out = new ArrayList<>(at.size() + 1);
        out.addAll(at);
        out.add(name);
        return out;
    }

    static String fingerprint(BasicFileAttributes a) {
        return fingerprint(a.size(), a.lastModifiedTime().toInstant());
    }

    /** Through an Instant both ways: FileTime's own millis round toward zero before 1970, an Instant's down. */
    private static String fingerprint(long size, java.time.Instant mtime) {
        return size + ":" + mtime.toEpochMilli();
    }

    /** A file of the dump does not change (the device is dead), but one that does is noticed. */
    private static final DiskFile.Fingerprinter FINGERPRINT = s -> fingerprint(s.size(), s.mtime());

    /** Which shard folders ({@code files/<c>}) exist; a few dozen at most. */
    private final java.util.concurrent.ConcurrentHashMap<Path, Boolean> shards = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean shardExists(Path shard) {
        return shards.computeIfAbsent(shard, d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS));
    }

    /** From the rows alone (a scan would stat every file), when no include/ignore rule could change it. */
    @Override
    public Estimate estimate() throws IOException {
        if (!config.include().isEmpty() || !config.ignore().isEmpty()) {
            return null;
        }
        try {
            return index().count(config.users(), config.trash());
        } catch (SQLException e) {
            return null;
        }
    }

    /** Files in the dump that no row names (most are previews the device made), one line each. */
    @Override
    public void reportOrphans(Consumer<String> out) throws IOException {
        MycloudIndex idx = index();
        Path root = config.files();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    try {
                        if (!idx.hasContent(file.getFileName().toString())) {
                            out.accept("files/" + root.relativize(file) + " (" + attrs.size()
                                    + " bytes): no row of index.db names it");
                        }
                    } catch (SQLException e) {
                        throw new IOException("looking up " + file.getFileName() + " failed: " + e.getMessage(), e);
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public synchronized void close() {
        if (index != null) {
            index.close();
            index = null;
        }
        if (device != null) {
            device.close();
            device = null;
        }
    }
}
