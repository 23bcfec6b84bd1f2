package dev.linkvault.source.icloud;

import dev.linkvault.RelPath;
import dev.linkvault.UserError;
import dev.linkvault.config.Secrets;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.source.Entry;
import dev.linkvault.source.PathFilter;
import dev.linkvault.source.Sink;
import dev.linkvault.source.Source;
import dev.linkvault.source.TreeFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A read-only iCloud Drive (reference/icloud.md): the saved login renewed without a prompt,
 * the whole tree listed into a work file before anything is written, then delivered depth-first
 * in name order; contents by {@code download/by_id} and a signed URL. The catalog key of a file is
 * its drivewsid, its fingerprint etag, size and dateModified. App libraries are folders under
 * their names; the trash is {@code [Trash]} when asked for; packages are folders of their files.
 */
public final class IcloudSource implements Source {
    static final String TRASH = "[Trash]";
    private static final int FILE_MODE = 0644;
    private static final int DIR_MODE = 0755;
    /** How long before the trust ends every snapshot warns. */
    public static final Duration TRUST_WARNING = Duration.ofDays(7);

    private final SourceConfig.Icloud config;
    private final PathFilter filter;
    private final Path scratch;
    private final Path cacheDir;
    private final int workers;
    private final String fixHint;
    private IcloudClient client;
    private IcloudListing listing;
    private IcloudPackages packages;
    private long rootId;
    private long trashId;
    private boolean listOnly;
    /** When the listing was made: the time of the folders linkvault makes (the top one, [Trash]). */
    private Instant listedAt = Instant.now();

    /**
     * @param cacheDir the source's own cache folder ({@code .data/cache/<name>}), or null for none
     * @param fixHint  how to log in, as a command to paste ({@code linkvault -c vault.yaml icloud login})
     */
    public IcloudSource(SourceConfig.Icloud config, int workers, Path scratch, Path cacheDir, String fixHint) {
        this.config = config;
        this.filter = PathFilter.of(config.include(), config.ignore());
        this.scratch = scratch;
        this.cacheDir = cacheDir;
        this.workers = workers;
        this.fixHint = fixHint;
    }

    @Override
    public String name() {
        return config.name();
    }

    /** Scans that follow download nothing: a package the cache does not know is one file of its listed size. */
    @Override
    public void listOnly() {
        listOnly = true;
    }

    /** The client, made once: the session loaded from the session folder. */
    synchronized IcloudClient client() throws IOException {
        if (client == null) {
            IcloudSession s = IcloudSession.load(config.sessionDir(), config.appleId());
            client = new IcloudClient(IcloudClient.Endpoints.of(config.auth(), config.setup()), s,
                    new Pacer(2000, 6), workers + config.listRequests(), fixHint);
            client.password(() -> Secrets.read(config.password(), "the Apple ID password of source '" + name() + "'"));
        }
        return client;
    }

    /**
     * Logs in from the saved session (never a prompt) and lists the whole Drive: a snapshot that
     * cannot go on stops here, before it writes anything.
     */
    @Override
    public void check() throws IOException {
        listing();
    }

    private synchronized IcloudListing listing() throws IOException {
        if (listing != null) {
            return listing;
        }
        IcloudClient c = client();
        IcloudListing l = IcloudListing.create(scratch, name());
        try {
            c.resume();
            rootId = l.addTop(config.name(), IcloudListing.ROOT, "com.apple.CloudDocs");
            trashId = config.trash() ? l.addTop(TRASH, IcloudListing.TRASH, "com.apple.CloudDocs") : 0;
            l.listAll(c, config.listBatch(), config.listRequests(), config.appLibraries());
            while (l.anyRefusedBatch()) {
                l.listRefusedAlone(c, config.appLibraries());
                l.listAll(c, config.listBatch(), config.listRequests(), config.appLibraries());
            }
        } catch (IcloudException e) {
            l.close();
            throw new UserError("source '" + name() + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            l.close();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("stopped while listing iCloud Drive");
        } catch (SQLException | IOException | RuntimeException e) {
            l.close();
            throw e instanceof IOException io ? io : new IOException("listing iCloud Drive failed: " + e.getMessage(), e);
        }
        packages = new IcloudPackages(cacheDir, scratch);
        listedAt = Instant.ofEpochSecond(Instant.now().getEpochSecond());
        listing = l;
        return l;
    }

    @Override
    public Estimate estimate() throws IOException {
        IcloudListing l = listing();
        return new Estimate(l.files(), l.bytes());
    }

    /** When Apple's trust of the saved login ends, or null when none is saved; after {@link #check}. */
    public Instant trustEnds() throws IOException {
        return client().session().trustEnds();
    }

    @Override
    public void scan(Sink sink) throws IOException, InterruptedException {
        IcloudListing l = listing();
        List<String> top = List.of(config.name());
        Instant ends = client().session().trustEnds();
        if (ends != null && ends.isBefore(Instant.now().plus(TRUST_WARNING))) {
            sink.warning(top, "Apple's trust of this login ends " + ends.toString().substring(0, 10)
                    + "; before then, on a terminal, run: " + fixHint + " (after it, snapshots stop until you do)");
        }
        TreeFilter tree = new TreeFilter(filter, sink);
        try {
            tree.top(Entry.dir(top, listedAt, DIR_MODE));
            new Walk(l, sink, tree).children(rootId, top, trashId != 0 ? Set.of(TRASH) : Set.of());
            if (trashId != 0) {
                List<String> at = List.of(config.name(), TRASH);
                tree.group(Entry.dir(at, listedAt, DIR_MODE));
                new Walk(l, sink, tree).children(trashId, at, Set.of());
            }
            tree.finish();
        } catch (SQLException e) {
            throw new IOException("reading the work file of the listing failed: " + e.getMessage(), e);
        }
    }

    /** One depth-first pass over the listed items. */
    private final class Walk {
        private final IcloudListing l;
        private final Sink sink;
        private final TreeFilter tree;

        Walk(IcloudListing l, Sink sink, TreeFilter tree) {
            this.l = l;
            this.sink = sink;
            this.tree = tree;
        }

        void children(long folder, List<String> at, Set<String> reserved) throws SQLException, InterruptedException,
                IOException {
            for (String p : l.problems(folder)) {
                sink.error(at, p);
            }
            Set<String> taken = new HashSet<>(reserved);
            for (IcloudListing.Item it : l.children(folder)) {
                String name = RelPath.repair(it.name(), tag(it.docwsid()));
                if (!taken.add(name)) {
                    String tagged = RelPath.tagged(name, tag(it.docwsid()));
                    sink.note(append(at, tagged), "another item in this folder is named '" + name + "' (names equal"
                            + " once in NFC); this one (" + it.drivewsid() + ") is stored as '" + tagged + "'");
                    name = tagged;
                    taken.add(name);
                } else if (!name.equals(it.name())) {
                    sink.note(append(at, name), "name '" + RelPath.display(List.of(it.name())) + "' cannot be a file"
                            + " name; stored as '" + name + "'");
                }
                List<String> path = append(at, name);
                Instant mtime = Instant.ofEpochSecond(it.mtime() == null ? 0 : it.mtime());
                if (it.folder()) {
                    if (tree.dir(Entry.dir(path, mtime, DIR_MODE))) {
                        children(it.id(), path, Set.of());
                    }
                } else if (isPackageCandidate(name)) {
                    pkg(it, path, mtime);
                } else if (filter.keeps(rel(path))) {
                    tree.leaf(file(it, path, mtime));
                }
            }
        }

        private Entry file(IcloudListing.Item it, List<String> path, Instant mtime) throws IOException {
            dev.linkvault.source.Content content = it.size() == 0 ? InputStream::nullInputStream
                    : new DriveContent(client(), it.zone(), it.docwsid(), it.size());
            return Entry.file(path, it.size(), mtime, FILE_MODE, it.drivewsid(), it.fingerprint(), null, content);
        }

        /** A file whose extension is a package type's: its files, from the cache or by downloading it. */
        private void pkg(IcloudListing.Item it, List<String> path, Instant mtime) throws IOException, InterruptedException {
            IcloudPackages.Described d = packages.cached(it.drivewsid(), it.fingerprint());
            DriveContent content = new DriveContent(client(), it.zone(), it.docwsid(), it.size());
            if (d == null && (listOnly || it.size() == 0)) {
                if (filter.keeps(rel(path))) {
                    tree.leaf(file(it, path, mtime));
                }
                return;
            }
            if (d == null) {
                try {
                    d = content.isPackage() ? packages.fetch(it.drivewsid(), content) : new IcloudPackages.Described("plain", List.of());
                } catch (IcloudException e) {
                    throw new UserError("source '" + name() + "': " + e.getMessage(), e);
                } catch (IOException e) {
                    sink.error(path, "the package could not be downloaded: " + dev.linkvault.IoErrors.reason(e));
                    return;
                }
                packages.remember(it.drivewsid(), it.fingerprint(), d);
            }
            switch (d.kind()) {
                case "plain" -> {
                    if (filter.keeps(rel(path))) {
                        tree.leaf(Entry.file(path, it.size(), mtime, FILE_MODE, it.drivewsid(), it.fingerprint(), null, content));
                    }
                }
                case "broken" -> {
                    List<String> zip = append(path.subList(0, path.size() - 1), path.get(path.size() - 1) + ".zip");
                    if (filter.keeps(rel(zip))) {
                        sink.warning(zip, "a package whose download is no zip that can be unpacked; kept as it came");
                        long size = d.inner().isEmpty() ? it.size() : d.inner().get(0).size();
                        String fp = it.fingerprint() + "|" + size;
                        tree.leaf(Entry.file(zip, size, mtime, FILE_MODE, it.drivewsid() + "#zip", fp, null,
                                new PackagedFile(it.drivewsid(), content, "", fp)));
                    }
                }
                default -> {
                    if (!tree.dir(Entry.dir(path, mtime, DIR_MODE))) {
                        return;
                    }
                    for (IcloudPackages.Inner in : d.inner()) {
                        List<String> p = new ArrayList<>(path);
                        p.addAll(List.of(in.path().split("/")));
                        Instant t = Instant.ofEpochSecond(in.mtime() > 0 ? in.mtime() : mtime.getEpochSecond());
                        switch (in.type()) {
                            case 'D' -> tree.dir(Entry.dir(p, t, DIR_MODE));
                            case 'L' -> tree.leaf(Entry.symlink(p, t, 0777, in.target()));
                            default -> {
                                String fp = it.fingerprint() + "|" + in.size();
                                tree.leaf(Entry.file(p, in.size(), t, in.mode(), it.drivewsid() + "/" + in.path(), fp,
                                        null, new PackagedFile(it.drivewsid(), content, in.path(), fp)));
                            }
                        }
                    }
                }
            }
        }
    }

    /** A file inside a package: read from the package unpacked in this run (downloaded when needed). */
    private final class PackagedFile implements dev.linkvault.source.Content {
        private final String drivewsid;
        private final DriveContent content;
        private final String inner;
        private final String fingerprint;

        PackagedFile(String drivewsid, DriveContent content, String inner, String fingerprint) {
            this.drivewsid = drivewsid;
            this.content = content;
            this.inner = inner;
            this.fingerprint = fingerprint;
        }

        @Override
        public InputStream open() throws IOException {
            Path f = packages.file(drivewsid, content, inner);
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("the package, downloaded again, no longer holds this file; it is read next run");
            }
            return Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public boolean stillMatches(String fp) {
            return fingerprint.equals(fp);
        }
    }

    private static boolean isPackageCandidate(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && IcloudPackages.EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
    }

    /** A docwsid as part of a file name: letters, digits, '-' and '_', at most 12 characters. */
    static String tag(String id) {
        String t = id == null ? "x" : id.replaceAll("[^A-Za-z0-9_-]", "_");
        return t.length() > 12 ? t.substring(0, 12) : t;
    }

    private static List<String> append(List<String> at, String name) {
        List<String> out = new ArrayList<>(at.size() + 1);
        out.addAll(at);
        out.add(name);
        return out;
    }

    private static String rel(List<String> path) {
        return String.join("/", path.subList(1, path.size()));
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (packages != null) {
            packages.close();
            packages = null;
        }
        if (listing != null) {
            listing.close();
            listing = null;
        }
    }
}
