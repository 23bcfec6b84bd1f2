package dev.linkvault.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route over plain HTTP: status codes, headers, bytes; what must be refused is refused. */
class WebServerTest {
    @TempDir
    Path dir;
    WebFixture vault;
    WebServer server;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        vault = new WebFixture(dir);
        server = vault.start(null);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** What a client that sends the path as typed (no normalising, as curl --path-as-is) gets back. */
    private String rawRequest(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void everyPageAnswersWithHtmlAndTheHeadersThatKeepItSafe() throws Exception {
        for (String page : new String[] {"/", "/snapshots", "/browse/s2", "/browse/latest/docs", "/file/s2/docs/notes.txt",
            "/search", "/search?q=*.txt", "/diff", "/diff?a=s1&b=s2"}) {
            HttpResponse<byte[]> r = get(page);
            assertEquals(200, r.statusCode(), page + ": " + text(r));
            assertEquals("text/html; charset=utf-8", r.headers().firstValue("content-type").orElse(""), page);
            assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(""), page);
            assertTrue(r.headers().firstValue("content-security-policy").orElse("").contains("default-src 'none'"), page);
            assertFalse(r.headers().firstValue("server").orElse("").contains("12."), "no server version: " + page);
        }
        assertTrue(text(get("/")).contains("linkvault snapshot: <strong>success</strong>"), text(get("/")));
        HttpResponse<byte[]> css = get("/assets/linkvault.css");
        assertEquals("text/css; charset=utf-8", css.headers().firstValue("content-type").orElse(""));
        assertEquals(404, get("/nope").statusCode());
        assertEquals(404, get("/assets/other.css").statusCode());
        assertEquals(404, get("/browse/nosuch").statusCode());
        assertTrue(text(get("/browse/nosuch")).contains("no snapshot named &#39;nosuch&#39;"), text(get("/browse/nosuch")));
        assertEquals(404, get("/file/s1/docs/new/added.txt").statusCode(), "added only in s2");
    }

    @Test
    void aFolderListsItsEntriesSortedAndAFileRedirectsToItsPage() throws Exception {
        String byName = text(get("/browse/s2/docs"));
        int deep = byName.indexOf(">deep/<");
        int notes = byName.indexOf(">notes.txt<");
        assertTrue(deep > 0 && notes > deep, "folders first, then files by name: " + byName);
        assertTrue(byName.contains("outside &rarr; /etc/passwd"), "a symlink is shown with its target, never followed");
        String bySize = text(get("/browse/s2/docs?sort=size&desc=1"));
        assertTrue(bySize.indexOf("cat.png") < bySize.indexOf("notes.txt"), "largest first");
        HttpResponse<byte[]> file = get("/browse/s2/docs/notes.txt");
        assertEquals(302, file.statusCode());
        assertEquals("/file/s2/docs/notes.txt", file.headers().firstValue("location").orElse(""));
        String spaced = text(get("/browse/s2/docs/deep/er/still"));
        assertTrue(spaced.contains("href=\"/file/s2/docs/deep/er/still/file%20with%20space.txt\""), spaced);
    }

    @Test
    void aDownloadIsTheFileWithItsNameTypeAndLengthAndRangesWork() throws Exception {
        HttpResponse<byte[]> r = get("/raw/s2/docs/notes.txt");
        assertEquals(200, r.statusCode());
        assertEquals(WebFixture.V2, text(r));
        assertEquals("application/octet-stream", r.headers().firstValue("content-type").orElse(""));
        assertEquals("attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt",
                r.headers().firstValue("content-disposition").orElse(""));
        assertEquals(Long.toString(WebFixture.V2.length()), r.headers().firstValue("content-length").orElse(""));
        assertEquals("bytes", r.headers().firstValue("accept-ranges").orElse(""));
        assertEquals(WebFixture.V1, text(get("/raw/s1/docs/notes.txt")), "the old version from the old snapshot");

        HttpResponse<byte[]> inline = get("/raw/s2/docs/cat.png?inline=1");
        assertEquals("image/png", inline.headers().firstValue("content-type").orElse(""));
        assertTrue(inline.headers().firstValue("content-disposition").orElse("").startsWith("inline;"));
        assertArrayEquals(WebFixture.png(), inline.body());
        HttpResponse<byte[]> html = get("/raw/s2/docs/page.html?inline=1");
        assertEquals("application/octet-stream", html.headers().firstValue("content-type").orElse(""),
                "a page from the backup never runs as this site's page");
        assertEquals("sandbox", html.headers().firstValue("content-security-policy").orElse(""));

        HttpResponse<byte[]> part = get("/raw/s2/docs/notes.txt", "Range", "bytes=7-12");
        assertEquals(206, part.statusCode());
        assertEquals("second", text(part));
        assertEquals("bytes 7-12/" + WebFixture.V2.length(), part.headers().firstValue("content-range").orElse(""));
        assertEquals("longer\n", text(get("/raw/s2/docs/notes.txt", "Range", "bytes=-7")));
        HttpResponse<byte[]> beyond = get("/raw/s2/docs/notes.txt", "Range", "bytes=999-");
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + WebFixture.V2.length(), beyond.headers().firstValue("content-range").orElse(""));

        assertEquals(404, get("/raw/s2/docs/tax").statusCode(), "a folder is not a download");
        assertEquals(404, get("/raw/s2/docs/outside").statusCode(), "a symlink is not followed");
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/raw/s2/docs/notes.txt")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode(), "the server only reads");
    }

    @Test
    void pathsThatClimbOutOrATreeFileSwappedForASymlinkAreRefused() throws Exception {
        for (String bad : new String[] {"/raw/s2/docs/../../../etc/passwd", "/raw/s2/docs/%2e%2e/%2e%2e/etc/passwd",
            "/raw/s2/docs/%2E%2E/x", "/browse/s2/docs/..%2F..%2F", "/raw/s2/docs%2Fnotes.txt", "/file/s2/./docs/notes.txt"}) {
            String answer = rawRequest(bad);
            String status = answer.substring(0, answer.indexOf("\r\n"));
            assertTrue(status.contains(" 400 ") || status.contains(" 404 "), bad + " -> " + status);
            assertFalse(answer.contains("root:"), bad + " leaked a file outside the vault");
        }
        // the tree's file replaced by a symlink out (by hand, or an attacker with write access to the vault)
        Path inTree = vault.vault.resolve("snapshots/s2/docs/notes.txt");
        Files.delete(inTree);
        Files.createSymbolicLink(inTree, Path.of("/etc/passwd"));
        HttpResponse<byte[]> r = get("/raw/s2/docs/notes.txt");
        assertEquals(404, r.statusCode(), text(r));
        assertFalse(text(r).contains("root:"));
    }

    @Test
    void aDamagedFileIsNeverDeliveredAsIfWhole() throws Exception {
        // small: found out before a byte went, so the answer is an error page naming it
        Path inTree = vault.vault.resolve("snapshots/s2/docs/notes.txt");
        Files.setPosixFilePermissions(inTree, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(inTree, WebFixture.V2.replace('s', 'S')); // same length, other bytes
        HttpResponse<byte[]> small = get("/raw/s2/docs/notes.txt");
        assertEquals(500, small.statusCode());
        assertTrue(text(small).contains("docs/notes.txt is damaged in the snapshot"), text(small));

        // large: most of it has gone when the SHA-1 disagrees, so the response is cut before its end
        byte[] big = new byte[1_500_000];
        new java.util.Random(1).nextBytes(big);
        Files.write(vault.src.resolve("big.bin"), big);
        WebFixture.run(0, "-c", vault.config.toString(), "snapshot", "--name", "s3");
        assertArrayEquals(big, get("/raw/s3/docs/big.bin").body());
        Path bigInTree = vault.vault.resolve("snapshots/s3/docs/big.bin");
        Files.setPosixFilePermissions(bigInTree, PosixFilePermissions.fromString("rw-r--r--"));
        big[big.length - 1] ^= 1;
        Files.write(bigInTree, big);
        assertThrows(IOException.class, () -> get("/raw/s3/docs/big.bin"), "the client sees a failed download");
        assertThrows(IOException.class, () -> {
            HttpResponse<byte[]> z = get("/zip/s3/docs");
            new ZipInputStream(new ByteArrayInputStream(z.body())).getNextEntry();
        }, "a zip with a damaged file arrives cut short");
    }

    @Test
    void aFolderDownloadsAsAZipWithItsFilesAndTimes() throws Exception {
        HttpResponse<byte[]> r = get("/zip/s2/docs/tax");
        assertEquals(200, r.statusCode());
        assertEquals("application/zip", r.headers().firstValue("content-type").orElse(""));
        assertTrue(r.headers().firstValue("content-disposition").orElse("").contains("filename=\"tax.zip\""));
        Map<String, ZipEntry> entries = new HashMap<>();
        Map<String, String> bodies = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), e);
                bodies.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(java.util.Set.of("tax/", "tax/2025/", "tax/2025/return.pdf"), entries.keySet());
        assertTrue(bodies.get("tax/2025/return.pdf").startsWith("%PDF-1.4"));
        assertEquals(Instant.parse("2026-03-15T09:30:00Z"), entries.get("tax/2025/return.pdf").getLastModifiedTime().toInstant());
        assertEquals(404, get("/zip/s2/docs/notes.txt").statusCode(), "a file is not a folder");
    }

    @Test
    void historySearchAndDiffShowWhatTheCliShows() throws Exception {
        String file = text(get("/file/s2/docs/notes.txt"));
        assertTrue(file.contains("2 versions in 2 snapshots"), file);
        assertTrue(file.contains("href=\"/raw/s1/docs/notes.txt\""), "the old version's own download: " + file);
        String found = text(get("/search?q=*.txt"));
        assertTrue(found.contains("docs/new/added.txt") && found.contains("docs/notes.txt"), found);
        assertTrue(found.contains("2 snapshots, newest s2"), found);
        assertEquals(400, get("/search?q=%5B").statusCode(), "a pattern that is no glob");
        String diff = text(get("/diff?a=s1&b=s2"));
        assertTrue(diff.contains("2 added (12 B)") && diff.contains("1 changed"), "the folder new/ and its file: " + diff);
        assertTrue(diff.contains("docs/new/added.txt"), diff);
    }

    @Test
    void offTheLoopbackAddressItNeedsUsersAndThenChecksThem() throws Exception {
        UserError refused = assertThrows(UserError.class, () -> new WebServer(vault.vault,
                new WebServer.Options("0.0.0.0", 0, null, null)));
        assertTrue(refused.getMessage().contains("give --auth-file FILE"), refused.getMessage());

        Path users = dir.resolve("web-users");
        WebServer.addUser(users, "alice", "correct horse".toCharArray());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        assertTrue(Files.readString(users).contains("alice:$2y$12$"), Files.readString(users));
        server.close();
        server = vault.start(users);
        HttpResponse<byte[]> none = get("/");
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("www-authenticate").orElse("").startsWith("Basic realm=\"linkvault\""));
        String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, get("/", "Authorization", wrong).statusCode());
        assertEquals(401, get("/raw/s2/docs/notes.txt", "Authorization", wrong).statusCode(), "downloads too");
        String right = "Basic " + Base64.getEncoder().encodeToString("alice:correct horse".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, get("/", "Authorization", right).statusCode());
        assertEquals(WebFixture.V2, text(get("/raw/s2/docs/notes.txt", "Authorization", right)));
    }

    @Test
    void theServerWritesNothingInsideTheRepository() throws Exception {
        Map<Path, Long> before = new HashMap<>();
        try (var all = Files.walk(vault.vault)) {
            all.forEach(p -> before.put(p, p.toFile().lastModified()));
        }
        for (String page : new String[] {"/", "/snapshots", "/browse/s2/docs", "/file/s2/docs/notes.txt",
            "/search?q=*.txt", "/diff?a=s1&b=s2", "/zip/s2/docs", "/raw/s2/docs/notes.txt"}) {
            assertEquals(200, get(page).statusCode(), page);
        }
        Map<Path, Long> after = new HashMap<>();
        try (var all = Files.walk(vault.vault)) {
            all.forEach(p -> after.put(p, p.toFile().lastModified()));
        }
        assertEquals(before, after);
    }

    @Test
    void withACertificateAndKeyItSpeaksHttps() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
                    "-out", cert.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("needs openssl to make a test certificate");
            return;
        }
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "openssl made a certificate");
        try (WebServer tls = new WebServer(vault.vault, new WebServer.Options("127.0.0.1", 0, null,
                new Tls.Files(cert, key)))) {
            tls.start();
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (var in = Files.newInputStream(cert)) {
                trust.setCertificateEntry("test", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ctx).build();
            HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tls.port()
                    + "/raw/s2/docs/notes.txt")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(WebFixture.V2, r.body());
        }
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        UserError wrongKey = assertThrows(UserError.class, () -> new WebServer(vault.vault,
                new WebServer.Options("127.0.0.1", 0, null, new Tls.Files(cert, key))));
        assertTrue(wrongKey.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), wrongKey.getMessage());
    }
}
