package dev.linkvault.web;

import static dev.linkvault.web.Html.h;
import static dev.linkvault.web.Html.link;

import dev.linkvault.BadNameException;
import dev.linkvault.RelPath;
import dev.linkvault.Units;
import dev.linkvault.UserError;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.ManifestIndex;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.RunStatus;
import dev.linkvault.repo.SnapshotSummary;
import dev.linkvault.restore.Differ;
import dev.linkvault.restore.History;
import dev.linkvault.restore.Selection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pages, each made from one read-only opening of the repository: what the CLI's ls,
 * history, find and diff read, through the same classes. Nothing here writes inside the
 * repository; what is remembered (a snapshot's errors, the store's size) stays in memory.
 */
final class Site {
    static final int PAGE = 200;

    private final Path root;
    /** A snapshot's per-file errors (its manifest read once): snapshots never change. */
    private final Map<String, List<String[]>> errorsOf = new ConcurrentHashMap<>();
    /** The store's figures, made in the background at start and now and then after. */
    volatile dev.linkvault.maintain.Stats.Result stats;

    Site(Path root) {
        this.root = root;
    }

    Repository open() {
        return Repository.openForReading(root);
    }

    /** A page that answers 404 with one line: what is missing and where to look instead. */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    static RelPath path(List<String> segments) {
        try {
            return RelPath.of(segments);
        } catch (BadNameException e) {
            throw new BadRequest("path " + e.getMessage());
        }
    }

    /** A request that cannot be right (a name with "..", a bad pattern): 400. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    // ---- dashboard ----

    String dashboard() throws IOException {
        try (Repository repo = open()) {
            List<Repository.SnapshotInfo> all = repo.snapshots();
            List<Repository.SnapshotInfo> done = Repository.restorable(all);
            RunStatus status = RunStatus.read(root);
            StringBuilder b = new StringBuilder();
            b.append("<section id=\"last-run\"><h2>Last run</h2>");
            if (status != null) {
                b.append("<p class=\"outcome ").append(h(status.outcome())).append("\">").append(h(status.command()))
                        .append(": <strong>").append(h(status.outcome())).append("</strong> (exit ")
                        .append(status.exitCode()).append("), ").append(h(when(status.finished()))).append("</p>");
                if (status.snapshot() != null) {
                    b.append("<p>snapshot <a href=\"").append(link("browse", status.snapshot(), "")).append("\">")
                            .append(h(status.snapshot())).append("</a>: ").append(count(status.files())).append(" files, ")
                            .append(status.errors() == null ? 0 : status.errors()).append(" errors</p>");
                }
                if (status.message() != null) {
                    b.append("<p class=\"message\">").append(h(status.message())).append("</p>");
                }
                b.append("<p>last success: ").append(status.lastSuccess() == null ? "never"
                        : h(when(status.lastSuccess())) + " (" + h(age(status.lastSuccess())) + " ago, "
                        + h(status.lastSuccessSnapshot()) + ")").append("</p>");
            } else if (!done.isEmpty()) {
                SnapshotSummary s = done.get(done.size() - 1).summary();
                b.append("<p>newest snapshot <a href=\"").append(link("browse", s.name(), "")).append("\">")
                        .append(h(s.name())).append("</a>, finished ").append(h(when(s.finished()))).append(": ")
                        .append(count(s.files())).append(" files, ").append(s.errors()).append(" errors</p>");
            } else {
                b.append("<p>no snapshot yet</p>");
            }
            b.append("</section>");
            if (!done.isEmpty()) {
                Repository.SnapshotInfo newest = done.get(done.size() - 1);
                b.append(sources(done));
                if (newest.summary().errors() > 0) {
                    b.append("<section id=\"errors\"><h2>Errors of ").append(h(newest.name())).append("</h2><ul>");
                    for (String[] e : errors(repo, newest.name())) {
                        b.append("<li><code>").append(h(e[0])).append("</code>: ").append(h(e[1])).append("</li>");
                    }
                    b.append("</ul></section>");
                }
                b.append(chart(done));
            }
            var st = stats;
            b.append("<section id=\"store\"><h2>Repository</h2><p>").append(all.size()).append(" snapshots, ")
                    .append(st == null ? "size being counted" : Units.bytes(st.storedBytes()) + " stored in "
                            + Units.count(st.blobs()) + " blobs, " + Units.bytes(st.logicalBytes())
                            + " without deduplication").append("</p></section>");
            return Html.page("Dashboard", b.toString());
        }
    }


    private String sources(List<Repository.SnapshotInfo> done) {
        Map<String, SnapshotSummary> last = new LinkedHashMap<>();
        for (Repository.SnapshotInfo s : done) {
            if (s.state() == Repository.State.COMPLETE && s.summary().sourceFiles() != null) {
                for (String src : s.summary().sourceFiles().keySet()) {
                    last.put(src, s.summary());
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        last.forEach((src, s) -> rows.add(List.of(h(src), "<a href=\"" + link("browse", s.name(), src) + "\">"
                + h(s.name()) + "</a>", h(when(s.finished())), count(s.sourceFiles().get(src)))));
        return "<section id=\"sources\"><h2>Sources</h2>" + Html.table("sources-table",
                List.of("source", "last success", "finished", "files"), rows) + "</section>";
    }

    /** Up to 100 of a snapshot's per-file errors, from its manifest (read once, then remembered). */
    private List<String[]> errors(Repository repo, String name) throws IOException {
        List<String[]> cached = errorsOf.get(name);
        if (cached != null) {
            return cached;
        }
        List<String[]> out = new ArrayList<>();
        repo.readManifest(name, new Manifest.Visitor() {
            @Override
            public void item(Manifest.Item item) {}

            @Override
            public void error(String path, String message) {
                if (out.size() < 100) {
                    out.add(new String[] {path, message});
                }
            }
        });
        errorsOf.put(name, out);
        return out;
    }

    /** An SVG of each snapshot's new bytes (bars) and the bytes they added up to (the line). */
    private static String chart(List<Repository.SnapshotInfo> done) {
        int n = done.size();
        int w = 720;
        int hgt = 160;
        long maxNew = 1;
        long total = 0;
        long[] cumulative = new long[n];
        for (int i = 0; i < n; i++) {
            SnapshotSummary s = done.get(i).summary();
            maxNew = Math.max(maxNew, s.newBytes());
            total += s.newBytes();
            cumulative[i] = total;
        }
        double bw = Math.min(48, (double) w / n);
        StringBuilder svg = new StringBuilder("<section id=\"growth\"><h2>Stored bytes over time</h2>"
                + "<svg class=\"chart\" viewBox=\"0 0 " + w + " " + (hgt + 20) + "\" role=\"img\" aria-label=\"new bytes per"
                + " snapshot and stored bytes\">");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            SnapshotSummary s = done.get(i).summary();
            double bh = (double) s.newBytes() / maxNew * hgt;
            svg.append(String.format(java.util.Locale.ROOT, "<rect class=\"new\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                    + " height=\"%.1f\"><title>%s: %s new</title></rect>", i * bw + 1, hgt - bh, Math.max(1, bw - 2), bh,
                    h(s.name()), Units.bytes(s.newBytes())));
            line.append(String.format(java.util.Locale.ROOT, "%s%.1f,%.1f", i == 0 ? "M" : " L",
                    i * bw + bw / 2, hgt - (double) cumulative[i] / Math.max(1, total) * hgt));
        }
        svg.append("<path class=\"stored\" d=\"").append(line).append("\"/>");
        svg.append("<text x=\"0\" y=\"").append(hgt + 16).append("\">").append(h(done.get(0).name())).append("</text>");
        svg.append("<text x=\"").append(w).append("\" y=\"").append(hgt + 16).append("\" text-anchor=\"end\">")
                .append(h(done.get(n - 1).name())).append(" (").append(Units.bytes(total)).append(" added in all)</text>");
        return svg.append("</svg><p class=\"legend\"><span class=\"new\">bars</span>: new bytes of each snapshot;"
                + " <span class=\"stored\">line</span>: what they added up to</p></section>").toString();
    }

    // ---- snapshots ----

    String snapshots() throws IOException {
        try (Repository repo = open()) {
            List<List<String>> rows = new ArrayList<>();
            List<Repository.SnapshotInfo> all = new ArrayList<>(repo.snapshots());
            java.util.Collections.reverse(all);
            for (Repository.SnapshotInfo s : all) {
                SnapshotSummary m = s.summary();
                boolean browsable = s.restorable();
                String name = browsable ? "<a href=\"" + link("browse", s.name(), "") + "\">" + h(s.name()) + "</a>" : h(s.name());
                rows.add(m == null ? List.of(name, h(s.state().label()), "", "", "", "", "", "")
                        : List.of(name, h(s.state().label()), h(when(m.started())), count(m.files()), h(Units.bytes(m.bytes())),
                                h(Units.bytes(m.newBytes())), Long.toString(m.errors()), h(Units.duration(m.durationMillis()))));
            }
            return Html.page("Snapshots", Html.table("snapshots-table", List.of("snapshot", "state", "started", "files",
                    "size", "new", "errors", "took"), rows));
        }
    }

    // ---- browse ----

    /** A folder's entries, sorted and paged; null when the path is a file (the caller shows the file then). */
    String browse(String snapshot, RelPath path, String sort, boolean descending, int page) throws IOException {
        try (Repository repo = open()) {
            String name = snapshotName(repo, snapshot);
            List<Manifest.Item> entries = new ArrayList<>();
            Manifest.Item[] self = {null};
            String base = path.toString();
            boolean found = repo.readManifest(name, path, ManifestIndex.Scope.CHILDREN, item -> {
                if (item.path().equals(base)) {
                    self[0] = item;
                } else {
                    entries.add(item);
                }
            });
            if (!found) {
                throw new NotFound("snapshot " + name + " has no path '" + base + "'");
            }
            if (self[0] != null && self[0].type() != Manifest.Type.DIR) {
                return null;
            }
            Comparator<Manifest.Item> order = switch (sort) {
                case "size" -> Comparator.comparingLong(Manifest.Item::size);
                case "mtime" -> Comparator.comparing(Manifest.Item::mtime);
                default -> Comparator.comparing((Manifest.Item i) -> i.type() != Manifest.Type.DIR)
                        .thenComparing(i -> i.path(), Manifest::comparePaths);
            };
            entries.sort(descending ? order.reversed() : order);
            int pages = Math.max(1, (entries.size() + PAGE - 1) / PAGE);
            int p = Math.min(Math.max(1, page), pages);
            List<List<String>> rows = new ArrayList<>();
            for (Manifest.Item it : entries.subList((p - 1) * PAGE, Math.min(entries.size(), p * PAGE))) {
                String shown = RelPath.parse(it.path()).name();
                String cell = switch (it.type()) {
                    case DIR -> "<a class=\"dir\" href=\"" + link("browse", name, it.path()) + "\">" + h(shown) + "/</a>";
                    case FILE -> "<a class=\"file\" href=\"" + link("file", name, it.path()) + "\">" + h(shown) + "</a>";
                    case SYMLINK -> "<span class=\"link\">" + h(shown) + " &rarr; " + h(it.target()) + "</span>";
                };
                rows.add(List.of(cell, it.type() == Manifest.Type.DIR ? "" : h(Units.bytes(it.size())),
                        h(Units.localTime(it.mtime())), h(mode(it))));
            }
            String here = link("browse", name, base);
            StringBuilder b = new StringBuilder(Html.crumbs(name, base));
            b.append("<p class=\"actions\">").append(Units.count(entries.size())).append(" entries &middot; <a id=\"zip\" href=\"")
                    .append(link("zip", name, base)).append("\">Download this folder as zip</a></p>");
            b.append(Html.table("entries", List.of(sortLink(here, "name", "Name", sort, descending),
                    sortLink(here, "size", "Size", sort, descending), sortLink(here, "mtime", "Modified", sort, descending),
                    "Mode"), rows));
            if (pages > 1) {
                b.append("<nav class=\"pages\">");
                for (int i = 1; i <= pages; i++) {
                    b.append(i == p ? "<strong>" + i + "</strong> " : "<a href=\"" + here + "?sort=" + sort
                            + (descending ? "&amp;desc=1" : "") + "&amp;page=" + i + "\">" + i + "</a> ");
                }
                b.append("</nav>");
            }
            return Html.page(base.isEmpty() ? name : RelPath.parse(base).name() + "/", b.toString());
        }
    }

    private static String sortLink(String here, String key, String label, String sort, boolean descending) {
        boolean on = sort.equals(key);
        return "<a href=\"" + here + "?sort=" + key + (on && !descending ? "&amp;desc=1" : "") + "\">" + label
                + (on ? descending ? " &darr;" : " &uarr;" : "") + "</a>";
    }

    private static String mode(Manifest.Item it) {
        return (it.type() == Manifest.Type.DIR ? "d" : it.type() == Manifest.Type.SYMLINK ? "l" : "-")
                + Units.permissions(it.mode());
    }

    // ---- one file ----

    /** The manifest line of a file (or symlink) in a snapshot; 404 when it has none. */
    Manifest.Item item(Repository repo, String name, RelPath path) throws IOException {
        Manifest.Item[] found = {null};
        String wanted = path.toString();
        repo.readManifest(name, path, ManifestIndex.Scope.PATH, it -> {
            if (it.path().equals(wanted)) {
                found[0] = it;
            }
        });
        if (found[0] == null) {
            throw new NotFound("snapshot " + name + " has no path '" + wanted + "'");
        }
        return found[0];
    }

    String file(String snapshot, RelPath path) throws IOException {
        try (Repository repo = open()) {
            String name = snapshotName(repo, snapshot);
            Manifest.Item it = item(repo, name, path);
            String p = path.toString();
            StringBuilder b = new StringBuilder(Html.crumbs(name, path.parent().toString()));
            b.append("<dl class=\"facts\"><dt>size</dt><dd>").append(h(Units.bytes(it.size()))).append(" (")
                    .append(it.size()).append(" bytes)</dd><dt>modified</dt><dd>").append(h(Units.localTime(it.mtime())))
                    .append("</dd><dt>mode</dt><dd>").append(h(mode(it))).append("</dd>");
            if (it.blob() != null) {
                b.append("<dt>SHA-1</dt><dd><code>").append(h(it.blob())).append("</code></dd>");
            }
            if (it.target() != null) {
                b.append("<dt>symlink to</dt><dd><code>").append(h(it.target())).append("</code></dd>");
            }
            b.append("</dl>");
            if (it.type() == Manifest.Type.FILE) {
                String raw = link("raw", name, p);
                b.append("<p class=\"actions\"><a id=\"download\" class=\"button\" href=\"").append(raw)
                        .append("\">Download</a></p>");
                String kind = Downloads.preview(RelPath.parse(p).name());
                if (kind != null && it.size() > 0) {
                    b.append("<section id=\"preview\"><h2>Preview</h2>");
                    switch (kind) {
                        case "image" -> b.append("<img src=\"").append(raw).append("?inline=1\" alt=\"")
                                .append(h(RelPath.parse(p).name())).append("\">");
                        case "pdf" -> b.append("<object data=\"").append(raw).append("?inline=1\" type=\"application/pdf\""
                                + " width=\"100%\" height=\"600\"></object>");
                        default -> b.append("<iframe src=\"").append(raw).append("?inline=1\" sandbox></iframe>");
                    }
                    b.append("</section>");
                }
            }
            b.append(history(repo, path));
            return Html.page(RelPath.parse(p).name(), b.toString());
        }
    }

    private String history(Repository repo, RelPath path) throws IOException {
        History.Result h = new History(repo).of(path);
        List<List<String>> rows = new ArrayList<>();
        int n = 0;
        for (History.Version v : h.versions()) {
            Manifest.Item it = v.item();
            rows.add(List.of(Integer.toString(++n), "<a href=\"" + link("browse", v.first(), path.parent().toString())
                    + "\">" + h(v.first()) + "</a>", h(v.last()), Integer.toString(v.snapshots().size()),
                    it.type() == Manifest.Type.DIR ? "" : h(Units.bytes(it.size())), h(Units.localTime(it.mtime())),
                    it.type() == Manifest.Type.FILE ? "<a class=\"version\" href=\"" + link("raw", v.first(), path.toString())
                            + "\">download</a>" : ""));
        }
        return "<section id=\"history\"><h2>History</h2><p>" + h.versions().size() + (h.versions().size() == 1
                ? " version" : " versions") + " in " + h.searched() + " snapshots</p>" + Html.table("versions",
                List.of("#", "first", "last", "in", "size", "modified", ""), rows) + "</section>";
    }

    // ---- search ----

    String search(String pattern, String snapshot, int page) throws IOException {
        StringBuilder b = new StringBuilder("<form method=\"get\" action=\"/search\"><input name=\"q\" value=\""
                + h(pattern) + "\" placeholder=\"*.pdf or docs/**/tax/*\" autofocus> <input name=\"snapshot\" value=\""
                + h(snapshot) + "\" placeholder=\"every snapshot\"> <button type=\"submit\">Search</button></form>");
        if (pattern == null || pattern.isBlank()) {
            return Html.page("Search", b.toString());
        }
        Selection glob;
        try {
            glob = Selection.of(List.of(pattern), List.of());
        } catch (UserError e) {
            throw new BadRequest(e.getMessage());
        }
        try (Repository repo = open()) {
            List<String> names = new ArrayList<>();
            if (snapshot != null && !snapshot.isBlank()) {
                names.add(snapshotName(repo, snapshot));
            } else {
                for (Repository.SnapshotInfo s : Repository.restorable(repo.snapshots())) {
                    names.add(0, s.name()); // newest first: what people look for is usually recent
                }
            }
            int want = page * PAGE;
            Map<String, List<String>> found = new LinkedHashMap<>();
            for (String name : names) {
                repo.readManifest(name, it -> {
                    if (it.type() != Manifest.Type.DIR && glob.includesItself(RelPath.parse(it.path()))) {
                        List<String> in = found.get(it.path());
                        if (in != null) {
                            in.add(name);
                        } else if (found.size() < want + 1) {
                            found.put(it.path(), new ArrayList<>(List.of(name)));
                        }
                    }
                });
            }
            List<Map.Entry<String, List<String>>> all = new ArrayList<>(found.entrySet());
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : all.subList(Math.min(all.size(), (page - 1) * PAGE),
                    Math.min(all.size(), page * PAGE))) {
                String newest = e.getValue().get(0);
                rows.add(List.of("<a class=\"hit\" href=\"" + link("file", newest, e.getKey()) + "\">" + h(e.getKey()) + "</a>",
                        e.getValue().size() == 1 ? h(newest) : e.getValue().size() + " snapshots, newest " + h(newest)));
            }
            b.append("<p>").append(rows.isEmpty() ? "nothing matches" : "matches " + ((page - 1) * PAGE + 1) + "-"
                    + ((page - 1) * PAGE + rows.size())).append(" in ").append(names.size()).append(" snapshots</p>");
            b.append(Html.table("results", List.of("path", "in"), rows));
            if (all.size() > page * PAGE) {
                b.append("<nav class=\"pages\"><a href=\"/search?q=").append(Html.q(pattern)).append("&amp;snapshot=")
                        .append(Html.q(snapshot)).append("&amp;page=").append(page + 1).append("\">next page</a></nav>");
            }
            return Html.page("Search", b.toString());
        }
    }

    // ---- diff ----

    String diff(String a, String b, String path) throws IOException {
        try (Repository repo = open()) {
            List<Repository.SnapshotInfo> done = Repository.restorable(repo.snapshots());
            StringBuilder out = new StringBuilder("<form method=\"get\" action=\"/diff\">");
            out.append(select("a", done, a != null ? a : done.size() > 1 ? done.get(done.size() - 2).name() : ""));
            out.append(" &rarr; ").append(select("b", done, b != null ? b : done.isEmpty() ? "" : done.get(done.size() - 1).name()));
            out.append(" <input name=\"path\" value=\"").append(h(path)).append("\" placeholder=\"below a path (optional)\">"
                    + " <button type=\"submit\">Compare</button></form>");
            if (a == null || b == null || a.isBlank() || b.isBlank()) {
                return Html.page("Diff", out.toString());
            }
            RelPath base = path == null || path.isBlank() ? RelPath.root() : parse(path);
            String nb = snapshotName(repo, b);
            snapshotName(repo, a);
            List<List<String>> rows = new ArrayList<>();
            Differ.Totals t = new Differ(repo, false).diff(a, b, base, c -> {
                if (rows.size() < 1000) {
                    String cell = c.what() == '-' ? h(c.path()) : "<a href=\"" + link(c.type() == Manifest.Type.DIR ? "browse"
                            : "file", nb, c.path()) + "\">" + h(c.path()) + "</a>";
                    rows.add(List.of("<span class=\"change c" + (c.what() == '+' ? "add" : c.what() == '-' ? "del" : "mod")
                            + "\">" + c.what() + "</span>", cell, h(c.detail())));
                }
            });
            out.append("<p id=\"totals\">").append(t.added()).append(" added (").append(h(Units.bytes(t.addedBytes())))
                    .append("), ").append(t.removed()).append(" removed (").append(h(Units.bytes(t.removedBytes())))
                    .append("), ").append(t.changed()).append(" changed, ").append(t.metadata())
                    .append(" with other mode or mtime").append(rows.size() == 1000 ? "; the first 1,000 shown" : "")
                    .append("</p>");
            out.append(Html.table("changes", List.of("", "path", "detail"), rows));
            return Html.page("Diff " + a + " → " + b, out.toString());
        }
    }

    private static String select(String name, List<Repository.SnapshotInfo> done, String chosen) {
        StringBuilder sb = new StringBuilder("<select name=\"" + name + "\">");
        for (int i = done.size() - 1; i >= 0; i--) {
            String n = done.get(i).name();
            sb.append("<option").append(n.equals(chosen) ? " selected" : "").append(">").append(h(n)).append("</option>");
        }
        return sb.append("</select>").toString();
    }

    // ---- shared ----

    static RelPath parse(String typed) {
        try {
            return RelPath.parse(typed);
        } catch (BadNameException e) {
            throw new BadRequest("path " + e.getMessage());
        }
    }

    /** A snapshot that can be read from ({@code latest} works); 404 otherwise. */
    static String snapshotName(Repository repo, String typed) throws IOException {
        try {
            return repo.completeSnapshot(typed).name();
        } catch (UserError e) {
            throw new NotFound(e.getMessage());
        }
    }

    private static String when(String iso) {
        try {
            return Units.localTime(Instant.parse(iso));
        } catch (RuntimeException e) {
            return iso;
        }
    }

    private static String age(String iso) {
        try {
            return Units.duration(Duration.between(Instant.parse(iso), Instant.now()).toMillis());
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String count(Long n) {
        return n == null ? "" : Units.count(n);
    }
}
