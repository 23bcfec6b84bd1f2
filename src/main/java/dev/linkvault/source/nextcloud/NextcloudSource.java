package dev.linkvault.source.nextcloud;

import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.Content;
import dev.linkvault.source.Entry;
import dev.linkvault.source.Sink;
import dev.linkvault.source.Source;
import dev.linkvault.source.TreeFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import dev.linkvault.s3.S3Clients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A Nextcloud with S3 primary storage: names from {@code oc_filecache} ({@link NextcloudDatabase}),
 * bytes from objects {@code urn:oid:<fileid>} ({@link NextcloudBucket}). Each mapping (a user's or
 * a storage's tree below a prefix) becomes one top folder of the snapshot. Rows stream in the one
 * depth-first order of every source, through the one filter; nothing is held per row.
 */
public final class NextcloudSource implements Source {
    static final String FOLDER = "httpd/unix-directory";

    /**
     * Listing a bucket costs a request per 1,000 objects: it pays only when many rows are unknown
     * (a lost catalog, a repository adopted from nextcloud-s3-backup), not for a day's new files.
     */
    static final long LIST_AFTER_UNKNOWN_ROWS = 1000;

    private final SourceConfig.Nextcloud config;
    private final NextcloudDatabase db;
    private final NextcloudBucket bucket;
    private List<NextcloudDatabase.Target> targets;

    public NextcloudSource(SourceConfig.Nextcloud config, Supplier<S3Client> factory) {
        this(config, factory, null, LIST_AFTER_UNKNOWN_ROWS, S3Clients.Timing.DEFAULT);
    }

    /** @param scratch where the work file of a bucket listing goes (the repository's .data/tmp, which every writer empties) */
    public NextcloudSource(SourceConfig.Nextcloud config, Supplier<S3Client> factory, Path scratch) {
        this(config, factory, scratch, LIST_AFTER_UNKNOWN_ROWS, S3Clients.Timing.DEFAULT);
    }

    NextcloudSource(SourceConfig.Nextcloud config, Supplier<S3Client> factory, long listAfter) {
        this(config, factory, null, listAfter, S3Clients.Timing.DEFAULT);
    }

    /** @param timing how long S3 is waited for; the same the client was made with */
    NextcloudSource(SourceConfig.Nextcloud config, Supplier<S3Client> factory, Path scratch, long listAfter,
                    S3Clients.Timing timing) {
        this.config = config;
        this.db = new NextcloudDatabase(config);
        this.bucket = new NextcloudBucket(config, factory, scratch, listAfter, timing);
    }

    @Override
    public void close() {
        bucket.close();
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public boolean trustsKnownSha1() {
        return config.trustChecksum();
    }

    @Override
    public void check() throws IOException {
        bucket.sseC(); // every secret is read and checked before anything is written, not on the first GET
        targets = db.targets();
        for (String b : targets.stream().map(NextcloudDatabase.Target::bucket).distinct().toList()) {
            bucket.check(b);
        }
    }

    @Override
    public void scan(Sink sink) throws IOException, InterruptedException {
        if (targets == null) {
            check();
        }
        try (Connection c = db.connect()) {
            TreeFilter tree = null;
            String sharedTop = null;
            java.util.Set<List<String>> made = new java.util.HashSet<>();
            Map<String, long[]> encrypted = new java.util.LinkedHashMap<>();
            for (NextcloudDatabase.Target t : targets) {
                List<String> under = t.under();
                if (!t.shared() || !under.get(0).equals(sharedTop)) {
                    if (tree != null) {
                        tree.finish();
                    }
                    tree = new TreeFilter(t.filter(), sink);
                    sharedTop = t.shared() ? under.get(0) : null;
                    made.clear();
                    if (t.shared()) {
                        tree.top(Entry.dir(List.of(under.get(0)), Instant.EPOCH, 0755)); // groupfolders: all
                    }
                }
                if (t.shared()) {
                    // the folders of the mount point's names (a group folder may be mounted below another)
                    for (int i = 2; i < under.size(); i++) {
                        if (made.add(under.subList(0, i))) {
                            tree.group(Entry.dir(List.copyOf(under.subList(0, i)), Instant.EPOCH, 0755));
                        }
                    }
                }
                if (t.rootMtime() == null) {
                    // a group folder that never had a file: its folder all the same
                    Entry root = Entry.dir(under, Instant.EPOCH, 0755);
                    if (t.shared()) {
                        tree.group(root);
                    } else {
                        tree.top(root);
                    }
                }
                made.add(under);
                TreeFilter in = tree;
                long[] count = encrypted.computeIfAbsent(t.mapping().as(), k -> new long[2]);
                if (t.storage() >= 0) {
                    db.rows(c, t, row -> {
                        Entry e = entry(t, row);
                        if (e == null) {
                            return;
                        }
                        if (row.encrypted() && e.type() == Entry.Type.FILE) {
                            count[0]++;
                            count[1] += row.size();
                        }
                        if (e.path().size() == under.size()) {
                            if (t.shared()) {
                                in.group(e);
                            } else {
                                in.top(e);
                            }
                        } else if (e.type() == Entry.Type.DIR) {
                            in.dir(e);
                        } else {
                            in.leaf(e);
                        }
                    });
                }
            }
            if (tree != null) {
                tree.finish();
            }
            for (Map.Entry<String, long[]> e : encrypted.entrySet()) {
                if (e.getValue()[0] > 0) {
                    sink.warning(List.of(e.getKey()), e.getValue()[0] + " files (" + e.getValue()[1] + " bytes) are"
                            + " encrypted by Nextcloud's server-side encryption: stored as the ciphertext the bucket"
                            + " holds, which only Nextcloud with its keys can read (spec/config.md, \"Encrypted files\")");
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IOException("reading the Nextcloud database of source '" + name() + "' failed: " + e.getMessage(), e);
        }
    }

    /** Lists each bucket (1,000 keys a request) and names the objects that no row of oc_filecache has. */
    @Override
    public void reportOrphans(java.util.function.Consumer<String> out) throws IOException {
        if (targets == null) {
            check();
        }
        String prefix = config.s3().objectPrefix();
        try (Connection c = db.connect()) {
            for (String b : targets.stream().map(NextcloudDatabase.Target::bucket).distinct().toList()) {
                IOException[] failed = {null};
                bucket.pages(b, page -> {
                    if (failed[0] != null) {
                        return;
                    }
                    Map<Long, S3Object> byId = new HashMap<>();
                    for (S3Object o : page) {
                        String id = o.key().substring(prefix.length());
                        if (id.matches("\\d{1,18}")) {
                            byId.put(Long.parseLong(id), o);
                        } else {
                            out.accept("object " + o.key() + " in bucket " + b + " is not named " + prefix + "<fileid>");
                        }
                    }
                    try {
                        for (long known : db.existing(c, byId.keySet())) {
                            byId.remove(known);
                        }
                    } catch (SQLException e) {
                        failed[0] = new IOException("reading the Nextcloud database of source '" + name() + "' failed: "
                                + e.getMessage(), e);
                        return;
                    }
                    byId.values().stream().sorted(java.util.Comparator.comparing(S3Object::key)).forEach(o -> out.accept(
                            "orphan object " + o.key() + " in bucket " + b + " (" + o.size() + " bytes, "
                                    + o.lastModified() + "): no row of " + db.table("filecache") + " has fileid "
                                    + o.key().substring(prefix.length())));
                });
                if (failed[0] != null) {
                    throw failed[0];
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IOException("reading the Nextcloud database of source '" + name() + "' failed: " + e.getMessage(), e);
        }
    }

    private Entry entry(NextcloudDatabase.Target t, NextcloudDatabase.Row row) {
        String prefix = t.prefix();
        String root = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
        Instant mtime = Instant.ofEpochSecond(row.mtime());
        String rel = row.path().equals(root) ? "" : row.path().substring(prefix.length());
        List<String> parts = new ArrayList<>(t.under());
        if (!rel.isEmpty()) {
            for (String p : rel.split("/", -1)) {
                parts.add(p);
            }
        }
        if (FOLDER.equals(row.mimetype())) {
            return Entry.dir(parts, mtime, 0755);
        }
        String name = parts.get(parts.size() - 1);
        if (name.endsWith(".part") || excluded(t.mapping(), row.mimetype())
                || t.mapping().excludeMimetypeIds().contains(row.mimetypeId())) {
            return null;
        }
        String key = t.storage() + ":" + row.fileid();
        String fingerprint = row.etag() + ":" + row.size() + ":" + mtime.getEpochSecond();
        String objectKey = config.s3().objectPrefix() + row.fileid();
        Entry e = Entry.file(parts, row.size(), mtime, 0644, key, fingerprint, sha1Of(row.checksum()),
                new ObjectContent(t.bucket(), objectKey));
        return row.encrypted() ? e.withMark("encrypted by Nextcloud's server-side encryption: the bytes are its"
                + " ciphertext, readable only by Nextcloud with its keys") : e;
    }

    private static boolean excluded(SourceConfig.Mapping m, String mimetype) {
        for (String pattern : m.excludeMimetypes()) {
            if (pattern.endsWith("/*") ? mimetype.startsWith(pattern.substring(0, pattern.length() - 1))
                    : pattern.equals(mimetype)) {
                return true;
            }
        }
        return false;
    }

    /** The SHA-1 in a checksum column ({@code SHA1:<hex> MD5:<hex> ...}), or null. Advisory only. */
    static String sha1Of(String checksum) {
        if (checksum == null) {
            return null;
        }
        for (String part : checksum.trim().split("\\s+")) {
            if (part.regionMatches(true, 0, "SHA1:", 0, 5) && part.length() == 45) {
                return part.substring(5).toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** One object of the bucket. */
    private final class ObjectContent implements Content {
        private final String bucketName;
        private final String key;
        private volatile String readEtag;

        ObjectContent(String bucketName, String key) {
            this.bucketName = bucketName;
            this.key = key;
        }

        @Override
        public String knownEtag() throws IOException {
            return bucket.knownEtag(bucketName, key);
        }

        @Override
        public String readEtag() {
            return readEtag;
        }

        @Override
        public InputStream open() throws IOException {
            NextcloudBucket.Download d = bucket.get(bucketName, key);
            readEtag = d.etag();
            return d.bytes();
        }
    }
}
