package dev.linkvault.web;

import dev.linkvault.RelPath;
import dev.linkvault.UserError;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@code linkvault serve}: Jetty on one address, read-only on one repository. The routes are in
 * spec/cli.md ("serve"). Every request opens the repository for reading (no lock, nothing
 * written); a path is validated name by name and a file is sent only when it is a regular file
 * inside the snapshot's tree.
 */
public final class WebServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final Site site;
    private final Users users;
    private final Thread statsThread;

    /** Where and how to listen: {@code tls} null for plain HTTP; {@code users} null for no authentication. */
    public record Options(String host, int port, Path usersFile, Tls.Files tls) {}

    public WebServer(Path repository, Options o) throws Exception {
        InetAddress address = InetAddress.getByName(o.host());
        if (!address.isLoopbackAddress() && o.usersFile() == null) {
            throw new UserError("serve on " + o.host() + " would let anyone on the network read the vault; give"
                    + " --auth-file FILE (make it with: linkvault serve --add-user NAME --auth-file FILE), or listen on"
                    + " 127.0.0.1");
        }
        this.users = o.usersFile() == null ? null : Users.load(o.usersFile());
        try (Repository check = Repository.openForReading(repository)) {
            check.snapshots(); // a wrong --repo is one line now, not an error page later
        }
        this.site = new Site(repository);
        QueuedThreadPool pool = new QueuedThreadPool(32, 2, 60_000);
        pool.setName("linkvault-web");
        pool.setDaemon(true);
        server = new Server(pool);
        org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        var plain = new org.eclipse.jetty.server.HttpConnectionFactory(http);
        connector = o.tls() == null ? new ServerConnector(server, plain)
                : new ServerConnector(server, Tls.context(o.tls()), plain);
        connector.setHost(o.host());
        connector.setPort(o.port());
        server.addConnector(connector);
        server.setHandler(new Routes());
        server.setStopTimeout(2000);
        statsThread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try (Repository repo = site.open()) {
                    site.stats = dev.linkvault.maintain.Stats.of(repo);
                    Thread.sleep(10 * 60_000);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    return; // the dashboard says the size is being counted
                }
            }
        }, "linkvault-web-stats");
        statsThread.setDaemon(true);
    }

    /** Adds a user to a users file (bcrypt), for {@code serve --add-user}. */
    public static void addUser(Path file, String name, char[] password) throws IOException {
        Users.add(file, name, password);
    }

    public void start() throws Exception {
        try {
            server.start();
        } catch (IOException e) {
            server.stop();
            throw new UserError("cannot listen on " + connector.getHost() + ":" + connector.getPort() + ": "
                    + dev.linkvault.IoErrors.reason(e) + "; give another --listen HOST:PORT", e);
        }
        statsThread.start();
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        statsThread.interrupt();
        server.stop();
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            var headers = response.getHeaders();
            common(response);
            if (users != null && !authorized(request)) {
                headers.put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"linkvault\", charset=\"UTF-8\"");
                text(response, callback, HttpStatus.UNAUTHORIZED_401, "a user name and password of the vault's users file are needed");
                return true;
            }
            String method = request.getMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                headers.put(HttpHeader.ALLOW, "GET, HEAD");
                text(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "this server only reads: GET and HEAD");
                return true;
            }
            try {
                try {
                    List<String> parts = segments(request.getHttpURI().getPath());
                    Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
                    route(request, response, callback, parts, query);
                } catch (RuntimeException e) {
                    response.reset(); // what a page had set (a length, a type) is not the error page's
                    common(response);
                    throw e;
                }
            } catch (Site.NotFound e) {
                page(response, callback, HttpStatus.NOT_FOUND_404, Html.page("Not found", "<p class=\"error\">"
                        + Html.h(e.getMessage()) + "</p><p><a href=\"/snapshots\">the snapshots</a></p>"));
            } catch (Site.BadRequest e) {
                page(response, callback, HttpStatus.BAD_REQUEST_400, Html.page("Bad request", "<p class=\"error\">"
                        + Html.h(e.getMessage()) + "</p>"));
            } catch (UserError e) {
                page(response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, Html.page("Cannot show this",
                        "<p class=\"error\">" + Html.h(e.getMessage()) + "</p>"));
            }
            return true;
        }

        private void route(Request request, Response response, Callback callback, List<String> parts, Fields query)
                throws Exception {
            String first = parts.isEmpty() ? "" : parts.get(0);
            switch (first) {
                case "" -> page(response, callback, 200, site.dashboard());
                case "snapshots" -> page(response, callback, 200, site.snapshots());
                case "search" -> page(response, callback, 200, site.search(query.getValue("q"), query.getValue("snapshot"),
                        number(query.getValue("page"))));
                case "diff" -> page(response, callback, 200, site.diff(query.getValue("a"), query.getValue("b"),
                        query.getValue("path")));
                case "assets" -> asset(response, callback, parts);
                case "browse", "file", "raw", "zip" -> {
                    if (parts.size() < 2) {
                        throw new Site.NotFound("no snapshot named in the address; see /snapshots");
                    }
                    String snapshot = parts.get(1);
                    RelPath path = Site.path(parts.subList(2, parts.size()));
                    switch (first) {
                        case "browse" -> {
                            String html = site.browse(snapshot, path, value(query, "sort", "name"),
                                    "1".equals(query.getValue("desc")), number(query.getValue("page")));
                            if (html == null) {
                                redirect(response, callback, Html.link("file", snapshot, path.toString()));
                            } else {
                                page(response, callback, 200, html);
                            }
                        }
                        case "file" -> page(response, callback, 200, site.file(snapshot, path));
                        case "raw" -> raw(request, response, callback, snapshot, path, "1".equals(query.getValue("inline")));
                        default -> zip(response, callback, snapshot, path);
                    }
                }
                default -> throw new Site.NotFound("no page " + request.getHttpURI().getPath());
            }
        }
    }

    /** Headers every answer carries. */
    private static void common(Response response) {
        var headers = response.getHeaders();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "SAMEORIGIN");
    }

    /** The path's segments, each percent-decoded; an encoded '/' or NUL in one is refused (400). */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (s.isEmpty()) {
                continue;
            }
            String d = org.eclipse.jetty.util.URIUtil.decodePath(s);
            if (d.contains("/") || d.contains("\0")) {
                throw new Site.BadRequest("a path segment holds an encoded '/' or NUL");
            }
            out.add(d);
        }
        return out;
    }

    private boolean authorized(Request request) {
        String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 && users.check(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void raw(Request request, Response response, Callback callback, String snapshot, RelPath path,
                     boolean inline) throws Exception {
        try (Repository repo = site.open()) {
            String name = Site.snapshotName(repo, snapshot);
            Manifest.Item it = site.item(repo, name, path);
            if (it.type() != Manifest.Type.FILE) {
                throw new Site.NotFound(name + ":" + path + " is a " + it.type().name().toLowerCase() + ", not a file");
            }
            Path f = it.size() == 0 ? null : Downloads.onDisk(repo, name, path);
            var h = response.getHeaders();
            h.put(HttpHeader.CONTENT_TYPE, inline ? Downloads.contentType(path.name()) : "application/octet-stream");
            h.put(HttpHeader.CONTENT_DISPOSITION, Downloads.disposition(inline ? "inline" : "attachment", path.name()));
            h.put(HttpHeader.ACCEPT_RANGES, "bytes");
            h.put(HttpHeader.ETAG, "\"" + it.blob() + "\"");
            h.put(HttpHeader.CACHE_CONTROL, "private, max-age=86400");
            h.put("Content-Security-Policy", "sandbox");
            h.putDate(HttpHeader.LAST_MODIFIED, it.mtime().toEpochMilli());
            long size = it.size();
            String range = request.getHeaders().get(HttpHeader.RANGE);
            Matcher m = range == null ? null : RANGE.matcher(range.trim());
            if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                long from;
                long to;
                if (m.group(1).isEmpty()) { // the last N bytes
                    from = Math.max(0, size - Long.parseLong(m.group(2)));
                    to = size - 1;
                } else {
                    from = Long.parseLong(m.group(1));
                    to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                }
                if (from >= size || from > to) {
                    h.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                    response.setStatus(HttpStatus.RANGE_NOT_SATISFIABLE_416);
                    callback.succeeded();
                    return;
                }
                // A part of a file is sent from its read-only blob as it is: only a whole download can be checked.
                response.setStatus(HttpStatus.PARTIAL_CONTENT_206);
                h.put(HttpHeader.CONTENT_RANGE, "bytes " + from + "-" + to + "/" + size);
                h.put(HttpHeader.CONTENT_LENGTH, to - from + 1);
                if (request.getMethod().equals("HEAD")) {
                    callback.succeeded();
                    return;
                }
                try (FileChannel ch = FileChannel.open(f); OutputStream out = Content.Sink.asOutputStream(response)) {
                    ch.position(from);
                    InputStream in = Channels.newInputStream(ch);
                    byte[] buf = new byte[256 * 1024];
                    long left = to - from + 1;
                    while (left > 0) {
                        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (r < 0) {
                            throw new IOException(f + " is shorter than the manifest says");
                        }
                        out.write(buf, 0, r);
                        left -= r;
                    }
                }
                callback.succeeded();
                return;
            }
            response.setStatus(200);
            h.put(HttpHeader.CONTENT_LENGTH, size);
            if (request.getMethod().equals("HEAD") || size == 0) {
                callback.succeeded();
                return;
            }
            // Checked against the SHA-1 as it goes, the last part held back until it matched: a
            // damaged file ends the response short, so no browser keeps wrong bytes as a download.
            OutputStream out = Content.Sink.asOutputStream(response);
            dev.linkvault.restore.Dumper.copyChecked(f, it, out);
            out.close();
            callback.succeeded();
        } catch (RuntimeException | IOException e) {
            if (response.isCommitted()) {
                callback.failed(e); // the bytes sent so far are not the file: the connection is cut
                return;
            }
            if (e instanceof IOException io) {
                throw new UserError(io.getMessage(), io); // nothing sent yet: a page that says so
            }
            throw e;
        }
    }

    private void zip(Response response, Callback callback, String snapshot, RelPath path) throws Exception {
        try (Repository repo = site.open()) {
            String name = Site.snapshotName(repo, snapshot);
            if (!path.isRoot()) {
                Manifest.Item it = site.item(repo, name, path);
                if (it.type() != Manifest.Type.DIR) {
                    throw new Site.NotFound(name + ":" + path + " is not a folder");
                }
            }
            String file = (path.isRoot() ? name : path.name()) + ".zip";
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, Downloads.disposition("attachment", file));
            response.setStatus(200);
            OutputStream out = Content.Sink.asOutputStream(response);
            try {
                Downloads.zip(repo, name, path, out);
            } catch (RuntimeException | IOException e) {
                callback.failed(e); // not closed: the zip arrives cut short, without its directory
                return;
            }
            out.close();
            callback.succeeded();
        }
    }

    private static void asset(Response response, Callback callback, List<String> parts) throws IOException {
        if (parts.size() != 2 || !parts.get(1).equals("linkvault.css")) {
            throw new Site.NotFound("no asset " + String.join("/", parts));
        }
        try (InputStream in = WebServer.class.getResourceAsStream("linkvault.css")) {
            byte[] css = in.readAllBytes();
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/css; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=3600");
            response.setStatus(200);
            response.write(true, java.nio.ByteBuffer.wrap(css), callback);
        }
    }

    private static void page(Response response, Callback callback, int status, String html) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self';"
                + " frame-src 'self'; object-src 'self'; form-action 'self'; base-uri 'none'");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, html, callback);
    }

    private static void text(Response response, Callback callback, int status, String line) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, line + "\n", callback);
    }

    private static void redirect(Response response, Callback callback, String to) {
        response.setStatus(HttpStatus.FOUND_302);
        response.getHeaders().put(HttpHeader.LOCATION, to);
        callback.succeeded();
    }

    private static int number(String s) {
        try {
            return s == null ? 1 : Math.max(1, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String value(Fields q, String name, String otherwise) {
        String v = q.getValue(name);
        return v == null ? otherwise : v;
    }
}
