package dev.linkvault.source.icloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Apple's side of the iCloud web protocol (reference/icloud.md §8), on 127.0.0.1, for tests: the
 * SRP login with its own verifier and proof check (written here from the formulas with the JDK's
 * digests, not with the client's code; both padding styles accepted), codes pushed to a device
 * or sent by SMS, trust tokens that expire, accountLogin with its cookies and webservices,
 * validate, Advanced Data Protection consent, drivews listings, docws by_id, the content host
 * with signed URLs that expire, packages, and fault switches. Its Drive starts as the one pyicloud's
 * recorded responses describe (resources {@code pyicloud/}, MIT, notice beside them).
 */
public final class FakeIcloud implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger N = new BigInteger("AC6BDB41324A9A9BF166DE5E1389582FAF72B6651987EE07FC3192943DB56050"
            + "A37329CBB4A099ED8193E0757767A13DD52312AB4B03310DCD7F48A9DA04FD50E8083969EDB767B0CF6095179A163AB3661A05FB"
            + "D5FAAAE82918A9962F0B93B855F97993EC975EEAA80D740ADBF4FF747359D041D5C33EA71D281E446B14773BCA97B43A23FB8016"
            + "76BD207A436C6481F1D2B9078717461A5B9D32E688F87748544523B524B0D57D5EA77A2775D2ECFA032CFBDBF52FB37861602790"
            + "04E57AE6AF874E7303CE53299CCC041C7BC308D82A5698F3A8D0C38271AE35F8E9DBFBB694B5C803D89F7AE435DE236D525F5475"
            + "9B65E372FCD68EF20FA7111F9E4AFF73", 16);
    private static final BigInteger G = BigInteger.TWO;
    public static final String ROOT = "FOLDER::com.apple.CloudDocs::root";
    public static final String TRASH = "TRASH_ROOT";

    static {
        // without it the JDK's server sends headers and body in two packets, and every small answer
        // waits 40 ms for the client's delayed ACK (Nagle)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final SecureRandom random = new SecureRandom();

    // ---- the account
    public final String appleId;
    private String password;
    private final byte[] salt = new byte[16];
    public volatile int iterations = 1000;
    public volatile String protocol = "s2k";
    public final String dsid = "1234567890";
    /** The code the trusted devices show; a test reads it as a person would. */
    public volatile String code = "123456";
    /** A non-2FA account: /signin/complete answers 412 and /repair/complete follows. */
    public volatile boolean legacyAccount;
    /** Apple's 2026 answer to a good code: 409 with "valid": true instead of 204. */
    public volatile boolean conflictOnGoodCode;
    public volatile Duration trustLifetime = Duration.ofDays(30);
    public volatile boolean webAccess = true;
    /** Advanced Data Protection: Drive calls need the PCS cookie; a device must consent first. */
    public volatile boolean adp;
    public volatile boolean adpConsented;
    /** requestPCS answers "not yet" this many times after consent was asked for, then the device approves. */
    public volatile int pcsPollsUntilApproved = 2;
    private volatile Duration clockOffset = Duration.ZERO;

    // ---- faults
    /** The next N listing or by_id calls answer this status (401, 421, 503, 400, 409 ZONE_BUSY...). */
    public final AtomicInteger failNext = new AtomicInteger();
    public volatile int failStatus = 503;
    public volatile String failBody = "{\"serverErrorCode\":\"THROTTLED\"}";
    /** Logins answer 503 while set (throttled). */
    public volatile boolean throttleLogins;
    /** The next N content downloads send half their bytes and close. */
    public final AtomicInteger shortNext = new AtomicInteger();
    /** Milliseconds every Drive answer waits. */
    public volatile long slowMs;
    /** Web sessions die after this many Drive calls (a session expiring mid-run); -1 never. */
    public final AtomicInteger sessionDiesAfter = new AtomicInteger(-1);

    // ---- what was asked
    public final AtomicInteger signinInits = new AtomicInteger();
    public final AtomicInteger signinCompletes = new AtomicInteger();
    public final AtomicInteger codesPushed = new AtomicInteger();
    public final AtomicInteger smsSent = new AtomicInteger();
    public final AtomicInteger accountLogins = new AtomicInteger();
    public final AtomicInteger listings = new AtomicInteger();
    public final AtomicInteger byIds = new AtomicInteger();
    public final AtomicInteger downloads = new AtomicInteger();
    /** Headers of the last request to each path, for tests of the header set. */
    public final Map<String, com.sun.net.httpserver.Headers> lastHeaders = new ConcurrentHashMap<>();

    // ---- login state
    private final Map<String, BigInteger[]> challenges = new ConcurrentHashMap<>(); // c -> {A, b, B}
    /** Session tokens: value -> trusted (false until a code was given on that login). */
    private final Map<String, Boolean> sessionTokens = new ConcurrentHashMap<>();
    private final Map<String, String> sessionOfId = new ConcurrentHashMap<>(); // X-Apple-ID-Session-Id -> state
    private final Map<String, Instant> trustTokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> webSessions = new ConcurrentHashMap<>();
    private final Map<String, Boolean> pcsCookies = new ConcurrentHashMap<>();
    private volatile int pcsPolls;

    // ---- the Drive
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicInteger etags = new AtomicInteger(36 * 36 * 2);
    private final Map<String, String> signedUrls = new ConcurrentHashMap<>(); // key -> drivewsid
    /** How long a signed content URL lives (Apple: about an hour). */
    public volatile Duration urlLifetime = Duration.ofHours(1);

    /** One item of the Drive: its listing JSON, children for folders, bytes for files. */
    public static final class Node {
        final ObjectNode json;
        final List<String> children = new ArrayList<>();
        byte[] bytes;
        /** A package: the zip (or gzip of a zip) served for it. */
        byte[] packageBody;
        boolean refused;

        Node(ObjectNode json) {
            this.json = json;
        }

        String id() {
            return json.path("drivewsid").asText();
        }
    }

    public FakeIcloud(String appleId, String password) throws IOException {
        this.appleId = appleId;
        this.password = password;
        random.nextBytes(salt);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::handle);
        server.start();
        loadPyicloudDrive();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String authEndpoint() {
        return base() + "/appleauth/auth";
    }

    public String setupEndpoint() {
        return base() + "/setup/ws/1";
    }

    public Instant now() {
        return Instant.now().plus(clockOffset);
    }

    /** Moves the fake's clock (trust tokens, cookies, URLs expire by it). */
    public void advance(Duration d) {
        clockOffset = clockOffset.plus(d);
    }

    public void password(String pw) {
        this.password = pw;
    }

    /** Ends every web session and session token (as Apple does after a while), keeping trust tokens. */
    public void killSessions() {
        webSessions.clear();
        sessionTokens.clear();
        pcsCookies.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    // ================================================================ the Drive model

    private void loadPyicloudDrive() throws IOException {
        JsonNode root = fixture("drive_root_working.json").get(0);
        ObjectNode rootJson = ((ObjectNode) root.deepCopy());
        rootJson.remove("items");
        rootJson.remove("numberOfItems");
        Node r = new Node(rootJson);
        nodes.put(ROOT, r);
        ObjectNode trash = JSON.createObjectNode().put("drivewsid", TRASH);
        nodes.put(TRASH, new Node(trash));
        for (JsonNode it : root.get("items")) {
            add(ROOT, (ObjectNode) it.deepCopy());
        }
        for (String f : new String[] {"drive_folder_working.json", "drive_subfolder_working.json"}) {
            JsonNode folder = fixture(f).get(0);
            for (JsonNode it : folder.get("items")) {
                Node n = add(folder.get("drivewsid").asText(), (ObjectNode) it.deepCopy());
                if (n.json.path("type").asText().equals("FILE")) {
                    n.bytes = pseudoRandom(n.id(), n.json.get("size").asInt());
                }
            }
        }
    }

    private static JsonNode fixture(String name) throws IOException {
        try (InputStream in = FakeIcloud.class.getResourceAsStream("pyicloud/" + name)) {
            return JSON.readTree(in);
        }
    }

    /** Deterministic bytes of a size: the same id gives the same content. */
    public static byte[] pseudoRandom(String seed, int size) {
        byte[] out = new byte[size];
        new java.util.Random(seed.hashCode()).nextBytes(out);
        return out;
    }

    private Node add(String parent, ObjectNode json) {
        Node p = nodes.get(parent);
        if (p == null) {
            throw new IllegalArgumentException("no folder " + parent);
        }
        json.put("parentId", parent);
        Node n = new Node(json);
        synchronized (p.children) {
            p.children.add(n.id());
        }
        nodes.put(n.id(), n);
        return n;
    }

    private String zoneOf(String parent) {
        Node p = nodes.get(parent);
        String z = p == null ? null : p.json.path("zone").asText(null);
        return z == null ? "com.apple.CloudDocs" : z;
    }

    private String nextEtag() {
        return Integer.toString(etags.incrementAndGet(), 36);
    }

    /** A folder; its drivewsid. */
    public synchronized String folder(String parent, String name) {
        String id = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        String zone = zoneOf(parent);
        ObjectNode j = JSON.createObjectNode().put("dateCreated", iso(now())).put("drivewsid", "FOLDER::" + zone + "::" + id)
                .put("docwsid", id).put("zone", zone).put("name", name).put("etag", nextEtag()).put("type", "FOLDER")
                .put("assetQuota", 0).put("fileCount", 0).put("shareCount", 0).put("shareAliasCount", 0)
                .put("directChildrenCount", 0);
        return add(parent, j).id();
    }

    /** An app library at the root (Pages, Obsidian): its own zone. */
    public synchronized String appLibrary(String zone, String name) {
        ObjectNode j = JSON.createObjectNode().put("dateCreated", "2019-12-12T14:33:55-08:00")
                .put("drivewsid", "FOLDER::" + zone + "::documents").put("docwsid", "documents").put("zone", zone)
                .put("name", name).put("etag", nextEtag()).put("type", "APP_LIBRARY").put("maxDepth", "ANY");
        return add(ROOT, j).id();
    }

    /** A file: name without extension, the extension (or null), its bytes and mtime. */
    public synchronized String file(String parent, String name, String extension, byte[] bytes, Instant modified) {
        String id = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        String zone = zoneOf(parent);
        String e1 = nextEtag();
        ObjectNode j = JSON.createObjectNode().put("drivewsid", "FILE::" + zone + "::" + id).put("docwsid", id)
                .put("zone", zone).put("name", name).put("dateModified", iso(modified))
                .put("dateChanged", modified.atOffset(java.time.ZoneOffset.ofHours(-7)).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .put("size", bytes.length).put("etag", nextEtag() + "::" + e1).put("lastOpenTime", iso(modified))
                .put("type", "FILE");
        if (extension != null) {
            j.put("extension", extension);
        }
        Node n = add(parent, j);
        n.bytes = bytes;
        return n.id();
    }

    /** A package (Project.band): listed as one FILE of {@code listedSize}, downloaded as {@code body} (a zip, maybe gzipped). */
    public synchronized String packageFile(String parent, String name, String extension, byte[] body, long listedSize,
                                           Instant modified) {
        String id = file(parent, name, extension, new byte[0], modified);
        Node n = nodes.get(id);
        n.json.put("size", listedSize);
        n.packageBody = body;
        n.bytes = null;
        return id;
    }

    /** New content: a new etag, signature and dateModified. */
    public synchronized void change(String drivewsid, byte[] bytes, Instant modified) {
        Node n = nodes.get(drivewsid);
        if (n.packageBody != null) {
            n.packageBody = bytes;
        } else {
            n.bytes = bytes;
            n.json.put("size", bytes.length);
        }
        n.json.put("etag", nextEtag() + "::" + nextEtag()).put("dateModified", iso(modified));
    }

    /** Only the etag moves (a rename elsewhere, a metadata change): the content and its signature stay. */
    public synchronized void bumpEtag(String drivewsid) {
        Node n = nodes.get(drivewsid);
        String e = n.json.get("etag").asText();
        n.json.put("etag", nextEtag() + e.substring(e.indexOf("::")));
    }

    public synchronized void remove(String drivewsid) {
        Node n = nodes.remove(drivewsid);
        Node p = nodes.get(n.json.path("parentId").asText());
        if (p != null) {
            synchronized (p.children) {
                p.children.remove(drivewsid);
            }
        }
    }

    /** Removes every child of the root: the glitch where the Drive suddenly looks empty. */
    public synchronized void emptyRoot() {
        for (String c : List.copyOf(nodes.get(ROOT).children)) {
            remove(c);
        }
    }

    /** Listing this folder fails as for a folder shared by another account. */
    public void refuse(String drivewsid) {
        nodes.get(drivewsid).refused = true;
    }

    /** Moves an item into the trash, as the web client does. */
    public synchronized void trash(String drivewsid) {
        Node n = nodes.get(drivewsid);
        Node p = nodes.get(n.json.path("parentId").asText());
        synchronized (p.children) {
            p.children.remove(drivewsid);
        }
        n.json.put("dateExpiration", iso(now().plus(Duration.ofDays(30)))).put("dateChanged", iso(now()))
                .put("restorePath", n.json.path("name").asText());
        add(TRASH, n.json);
        nodes.put(drivewsid, n);
    }

    private static String iso(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private static String signature(byte[] content) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-1").digest(content);
            byte[] sig = new byte[21];
            sig[0] = 1;
            System.arraycopy(sha, 0, sig, 1, 20);
            return Base64.getEncoder().encodeToString(sig);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ================================================================ HTTP

    private record Reply(int status, Map<String, List<String>> headers, byte[] body) {}

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            lastHeaders.put(path, x.getRequestHeaders());
            byte[] body = x.getRequestBody().readAllBytes();
            Reply r;
            try {
                r = route(x, path, new String(body, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                r = json(500, JSON.createObjectNode().put("error", e.toString()));
            }
            if (r == null) {
                return; // answered already (a stream)
            }
            r.headers().forEach((k, v) -> v.forEach(val -> x.getResponseHeaders().add(k, val)));
            if (r.status() == 204 || r.body().length == 0) {
                x.sendResponseHeaders(r.status(), -1);
            } else {
                x.sendResponseHeaders(r.status(), r.body().length);
                x.getResponseBody().write(r.body());
            }
        }
    }

    private Reply route(HttpExchange x, String path, String body) throws IOException {
        String m = x.getRequestMethod();
        if (path.startsWith("/appleauth/auth")) {
            return auth(x, m, path.substring("/appleauth/auth".length()), body);
        }
        if (path.startsWith("/setup/ws/1/")) {
            return setup(x, path.substring("/setup/ws/1/".length()), body);
        }
        if (path.startsWith("/drivews/")) {
            return drivews(x, path.substring("/drivews/".length()), body);
        }
        if (path.startsWith("/docws/")) {
            return docws(x, path.substring("/docws".length()));
        }
        if (path.startsWith("/content/")) {
            content(x, path);
            return null;
        }
        if (path.equals("/fake/stats")) {
            // not Apple's: what the fake was asked, for bench/icloud.sh
            return json(200, JSON.createObjectNode().put("listings", listings.get()).put("by_id", byIds.get())
                    .put("downloads", downloads.get()).put("logins", signinInits.get()));
        }
        return text(404, "not found");
    }

    private static Reply json(int status, JsonNode body) {
        return new Reply(status, new LinkedHashMap<>(Map.of("Content-Type", List.of("application/json"))),
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Reply text(int status, String body) {
        return new Reply(status, new LinkedHashMap<>(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply with(Reply r, String header, String value) {
        r.headers().computeIfAbsent(header, k -> new ArrayList<>()).add(value);
        return r;
    }

    // ---------------------------------------------------------------- idmsa

    /** Rotates scnt and the session id on every answer, as idmsa does. */
    private Reply rotate(Reply r) {
        with(r, "scnt", "scnt-" + UUID.randomUUID());
        with(r, "X-Apple-ID-Session-Id", "sid-" + UUID.randomUUID());
        with(r, "X-Apple-ID-Account-Country", "USA");
        with(r, "X-Apple-Auth-Attributes", "attr-" + UUID.randomUUID());
        return r;
    }

    private String newSessionToken(boolean trusted) {
        String t = "st-" + UUID.randomUUID();
        sessionTokens.put(t, trusted);
        return t;
    }

    /** The session token this request's login is at: the newest one the fake issued to it (by scnt chain it is the client's last). */
    private volatile String pendingToken;
    private volatile boolean codeAccepted;

    private Reply auth(HttpExchange x, String m, String p, String body) throws IOException {
        boolean widget = IcloudClientHeaders.WIDGET.equals(x.getRequestHeaders().getFirst("X-Apple-Widget-Key"));
        if (!widget && !p.isEmpty()) {
            return rotate(json(400, JSON.readTree("{\"serviceErrors\":[{\"code\":\"-1\",\"message\":\"no widget key\"}]}")));
        }
        if (p.equals("/authorize/signin") && m.equals("GET")) {
            return with(rotate(text(200, "<html><body>sign in</body></html>")), "Set-Cookie",
                    "aasp=" + UUID.randomUUID() + "; Domain=idmsa.apple.com; Path=/; Secure; HttpOnly");
        }
        if (p.equals("/federate") && m.equals("POST")) {
            return rotate(json(200, JSON.readTree("{\"hasSWP\":false}")));
        }
        if (p.equals("/signin") && m.equals("POST")) {
            return rotate(json(503, JSON.readTree("{\"error\":\"legacy sign-in is gone\"}")));
        }
        if (p.equals("/signin/init") && m.equals("POST")) {
            signinInits.incrementAndGet();
            if (throttleLogins) {
                return text(503, "Service Temporary Unavailable");
            }
            JsonNode b = JSON.readTree(body);
            if (!appleId.equalsIgnoreCase(b.path("accountName").asText())) {
                return rotate(json(400, JSON.readTree("{\"serviceErrors\":[{\"code\":\"-20209\"}]}")));
            }
            BigInteger a = new BigInteger(1, Base64.getDecoder().decode(b.path("a").asText()));
            byte[] bRand = new byte[32];
            random.nextBytes(bRand);
            BigInteger bb = new BigInteger(1, bRand);
            BigInteger v = G.modPow(xOf(), N);
            BigInteger k = new BigInteger(1, sha256(pad(N), pad(G)));
            BigInteger bigB = k.multiply(v).add(G.modPow(bb, N)).mod(N);
            String c = "d-" + random.nextInt(1000) + "-" + UUID.randomUUID() + ":MSA";
            challenges.put(c, new BigInteger[] {a, bb, bigB});
            ObjectNode out = JSON.createObjectNode().put("iteration", iterations)
                    .put("salt", Base64.getEncoder().encodeToString(salt)).put("protocol", protocol)
                    .put("b", Base64.getEncoder().encodeToString(minimal(bigB))).put("c", c);
            return rotate(json(200, out));
        }
        if (p.startsWith("/signin/complete") && m.equals("POST")) {
            signinCompletes.incrementAndGet();
            JsonNode b = JSON.readTree(body);
            BigInteger[] ch = challenges.remove(b.path("c").asText());
            if (ch == null || !proofsValid(ch, Base64.getDecoder().decode(b.path("m1").asText()),
                    Base64.getDecoder().decode(b.path("m2").asText()), b.path("accountName").asText())) {
                return rotate(json(401, JSON.readTree("{\"serviceErrors\":[{\"code\":\"-20101\",\"message\":\"Enter the"
                        + " email or phone number and password for your Apple Account.\",\"suppressDismissal\":false}]}")));
            }
            if (legacyAccount) {
                pendingToken = newSessionToken(true);
                return with(rotate(json(412, JSON.readTree("{\"auth_type\":\"sa\"}"))), "X-Apple-Session-Token", pendingToken);
            }
            boolean trusted = false;
            for (JsonNode t : b.path("trustTokens")) {
                Instant issued = trustTokens.get(t.asText());
                if (issued != null && issued.plus(trustLifetime).isAfter(now())) {
                    trusted = true;
                }
            }
            codeAccepted = false;
            pendingToken = newSessionToken(trusted);
            Reply r = trusted ? json(200, JSON.readTree("{\"authType\":\"hsa2\"}"))
                    : json(409, JSON.readTree("{\"authType\":\"hsa2\"}"));
            return with(rotate(r), "X-Apple-Session-Token", pendingToken);
        }
        if (p.equals("/repair/complete") && m.equals("POST")) {
            return with(rotate(json(200, JSON.createObjectNode())), "X-Apple-Session-Token", pendingToken);
        }
        if (p.isEmpty() && m.equals("GET")) {
            return rotate(json(200, JSON.readTree("{\"trustedPhoneNumbers\":[{\"id\":1,\"numberWithDialCode\":\"+1 (•••)"
                    + " •••-••66\",\"pushMode\":\"sms\"}],\"securityCode\":{\"length\":6,\"tooManyCodesSent\":false},"
                    + "\"authenticationType\":\"hsa2\"}")));
        }
        if (p.equals("/verify/trusteddevice/securitycode") && m.equals("PUT")) {
            codesPushed.incrementAndGet();
            return rotate(text(202, ""));
        }
        if (p.equals("/verify/phone") && m.equals("PUT")) {
            smsSent.incrementAndGet();
            return rotate(json(200, JSON.readTree("{\"trustedPhoneNumber\":{\"id\":1}}")));
        }
        if ((p.equals("/verify/trusteddevice/securitycode") || p.equals("/verify/phone/securitycode")) && m.equals("POST")) {
            String given = JSON.readTree(body).path("securityCode").path("code").asText();
            if (!code.equals(given)) {
                return with(rotate(json(400, JSON.readTree("{\"service_errors\":[{\"code\":\"-21669\",\"title\":\"Incorrect"
                        + " Verification Code\",\"message\":\"Incorrect verification code.\",\"suppressDismissal\":false}],"
                        + "\"hasError\":true}"))), "X-Apple-I-Ercd", "-21669");
            }
            codeAccepted = true;
            pendingToken = newSessionToken(false);
            Reply r = conflictOnGoodCode ? json(409, JSON.readTree("{\"securityCode\":{\"code\":\"" + given + "\",\"valid\":true}}"))
                    : text(204, "");
            return with(rotate(r), "X-Apple-Session-Token", pendingToken);
        }
        if (p.equals("/2sv/trust") && m.equals("GET")) {
            if (!codeAccepted) {
                return rotate(json(401, JSON.readTree("{\"error\":\"no code given\"}")));
            }
            String trust = "HSARMTKNSRVXWFla-" + UUID.randomUUID();
            trustTokens.put(trust, now());
            pendingToken = newSessionToken(true);
            return with(with(rotate(text(204, "")), "X-Apple-TwoSV-Trust-Token", trust), "X-Apple-Session-Token", pendingToken);
        }
        return rotate(text(404, "no such idmsa path " + p));
    }

    private BigInteger xOf() {
        byte[] pw = sha256(password.getBytes(StandardCharsets.UTF_8));
        if (protocol.equals("s2k_fo")) {
            pw = hex(pw).getBytes(StandardCharsets.US_ASCII);
        }
        byte[] p = pbkdf2(pw, salt, iterations);
        return new BigInteger(1, sha256(salt, sha256(":".getBytes(StandardCharsets.US_ASCII), p)));
    }

    /** M1 and M2 checked against both padding styles (rclone pads A, B and S; pysrp does not). */
    private boolean proofsValid(BigInteger[] ch, byte[] m1, byte[] m2, String account) {
        BigInteger a = ch[0];
        BigInteger b = ch[1];
        BigInteger bigB = ch[2];
        BigInteger v = G.modPow(xOf(), N);
        BigInteger u = new BigInteger(1, sha256(pad(a), pad(bigB)));
        BigInteger s = a.multiply(v.modPow(u, N)).modPow(b, N);
        byte[] hn = sha256(pad(N));
        byte[] hg = sha256(pad(G));
        for (int i = 0; i < hn.length; i++) {
            hn[i] ^= hg[i];
        }
        byte[] hi = sha256(account.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        for (boolean padded : new boolean[] {true, false}) {
            byte[] aB = padded ? pad(a) : minimal(a);
            byte[] bB = padded ? pad(bigB) : minimal(bigB);
            byte[] key = sha256(padded ? pad(s) : minimal(s));
            byte[] expect1 = sha256(hn, hi, salt, aB, bB, key);
            if (MessageDigest.isEqual(expect1, m1) && MessageDigest.isEqual(sha256(aB, m1, key), m2)) {
                return true;
            }
        }
        return false;
    }

    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(password, "HmacSHA256"));
            mac.update(salt);
            mac.update(new byte[] {0, 0, 0, 1});
            byte[] u = mac.doFinal();
            byte[] out = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < out.length; j++) {
                    out[j] ^= u[j];
                }
            }
            return out;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] pad(BigInteger n) {
        byte[] raw = minimal(n);
        byte[] out = new byte[256];
        System.arraycopy(raw, 0, out, 256 - raw.length, raw.length);
        return out;
    }

    static byte[] minimal(BigInteger n) {
        byte[] raw = n.toByteArray();
        return raw.length > 1 && raw[0] == 0 ? java.util.Arrays.copyOfRange(raw, 1, raw.length) : raw;
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- setup

    private String cookie(HttpExchange x, String name) {
        String h = x.getRequestHeaders().getFirst("Cookie");
        if (h == null) {
            return null;
        }
        for (String part : h.split(";")) {
            String p = part.trim();
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    private boolean webSessionValid(HttpExchange x) {
        String t = cookie(x, "X-APPLE-WEBAUTH-TOKEN");
        Instant until = t == null ? null : webSessions.get(t);
        return until != null && until.isAfter(now());
    }

    private ObjectNode accountJson(boolean trusted) {
        ObjectNode j = JSON.createObjectNode();
        j.putObject("dsInfo").put("dsid", dsid).put("hsaVersion", 2).put("isWebAccessAllowed", webAccess)
                .put("appleId", appleId).put("fullName", "Alice Example");
        j.put("hsaChallengeRequired", !trusted).put("hsaTrustedBrowser", trusted).put("pcsEnabled", adp);
        ObjectNode ws = j.putObject("webservices");
        ws.putObject("drivews").put("url", base() + "/drivews").put("status", "active")
                .put("pcsRequired", adp);
        ws.putObject("docws").put("url", base() + "/docws").put("status", "active").put("pcsRequired", adp);
        ws.putObject("contacts").put("url", base() + "/contacts").put("status", "active");
        return j;
    }

    private Reply setup(HttpExchange x, String p, String body) throws IOException {
        String endpoint = p.contains("?") ? p.substring(0, p.indexOf('?')) : p;
        switch (endpoint) {
            case "accountLogin" -> {
                accountLogins.incrementAndGet();
                if (throttleLogins) {
                    return text(503, "Service Temporary Unavailable");
                }
                JsonNode b = JSON.readTree(body);
                Boolean trusted = sessionTokens.get(b.path("dsWebAuthToken").asText());
                if (trusted == null) {
                    return json(400, JSON.readTree("{\"success\":false,\"error\":\"Invalid Session Token\"}"));
                }
                Instant issued = trustTokens.get(b.path("trustToken").asText());
                boolean ok = trusted || issued != null && issued.plus(trustLifetime).isAfter(now());
                Reply r = json(200, accountJson(ok));
                String exp = DateTimeFormatter.RFC_1123_DATE_TIME.format(now().plus(Duration.ofDays(30)).atZone(java.time.ZoneOffset.UTC));
                with(r, "Set-Cookie", "X-APPLE-WEBAUTH-USER=\"v=1:s=1:d=" + dsid + "\"; Expires=" + exp + "; Path=/; Secure");
                with(r, "Set-Cookie", "X-APPLE-DS-WEB-SESSION-TOKEN=\"" + UUID.randomUUID() + "\"; Expires=" + exp + "; Path=/");
                if (ok) {
                    String token = "v=2:t=" + UUID.randomUUID();
                    webSessions.put(token, now().plus(Duration.ofHours(12)));
                    with(r, "Set-Cookie", "X-APPLE-WEBAUTH-TOKEN=" + token + "; Path=/; Secure; HttpOnly");
                    with(r, "Set-Cookie", "X-APPLE-WEBAUTH-HSA-TRUST=\"" + UUID.randomUUID() + "\"; Expires=" + exp + "; Path=/");
                } else {
                    with(r, "Set-Cookie", "X-APPLE-WEBAUTH-HSA-LOGIN=\"" + UUID.randomUUID() + "\"; Path=/");
                }
                return r;
            }
            case "validate" -> {
                if (!webSessionValid(x)) {
                    return json(421, JSON.readTree("{\"success\":false,\"error\":\"Failed to validate the credentials from cookie\"}"));
                }
                return json(200, accountJson(true));
            }
            case "requestWebAccessState" -> {
                ObjectNode o = JSON.createObjectNode().put("dsid", Long.parseLong(dsid)).put("isWebAccessAllowed", webAccess);
                if (adp) {
                    o.put("isDeviceConsentedForPCS", adpConsented).put("isICDRSDisabled", true).put("deviceConsentForPCSExpiry", 0);
                }
                return json(200, o);
            }
            case "enableDeviceConsentForPCS" -> {
                pcsPolls = 0;
                return json(200, JSON.readTree("{\"isDeviceConsentNotificationSent\":true}"));
            }
            case "requestPCS" -> {
                if (!webSessionValid(x)) {
                    return json(421, JSON.readTree("{\"success\":false}"));
                }
                if (!adpConsented && pcsPolls++ >= pcsPollsUntilApproved) {
                    adpConsented = true; // the person approved on their iPhone
                }
                if (!adpConsented) {
                    return json(200, JSON.readTree("{\"status\":\"failure\",\"message\":\"Requested the device to upload cookies.\"}"));
                }
                String pcs = "pcs-" + UUID.randomUUID();
                pcsCookies.put(pcs, true);
                return with(json(200, JSON.readTree("{\"status\":\"success\",\"message\":\"Cookies attached.\"}")),
                        "Set-Cookie", "X-APPLE-WEBAUTH-PCS-Documents=\"" + pcs + "\"; Path=/; Secure");
            }
            default -> {
                return json(404, JSON.readTree("{\"error\":\"no such setup call\"}"));
            }
        }
    }

    // ---------------------------------------------------------------- drivews, docws, content

    /** Checks the session and faults for a Drive call; null when it may go on. */
    private Reply serviceGate(HttpExchange x) throws IOException {
        if (slowMs > 0) {
            try {
                Thread.sleep(slowMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sessionDiesAfter.get() == 0) {
            sessionDiesAfter.set(-1);
            killSessions();
        } else if (sessionDiesAfter.get() > 0) {
            sessionDiesAfter.decrementAndGet();
        }
        if (!webSessionValid(x)) {
            return json(401, JSON.readTree("{\"error\":\"Missing X-APPLE-WEBAUTH-TOKEN cookie\"}"));
        }
        if (adp) {
            String pcs = cookie(x, "X-APPLE-WEBAUTH-PCS-Documents");
            if (pcs == null || !pcsCookies.containsKey(pcs.replace("\"", ""))) {
                return json(423, JSON.readTree("{\"requestUUID\":\"" + UUID.randomUUID() + "\",\"errorReason\":\"Missing"
                        + " PCS cookies from the request\",\"errorCode\":423}"));
            }
        }
        if (failNext.get() > 0 && failNext.getAndDecrement() > 0) {
            return new Reply(failStatus, new LinkedHashMap<>(Map.of("Content-Type", List.of("application/json"))),
                    failBody.getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private Reply drivews(HttpExchange x, String p, String body) throws IOException {
        Reply gate = serviceGate(x);
        if (gate != null) {
            return gate;
        }
        if (!p.startsWith("retrieveItemDetailsInFolders")) {
            return json(404, JSON.readTree("{\"error\":\"not faked\"}"));
        }
        listings.incrementAndGet();
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode want : JSON.readTree(body)) {
            String id = want.path("drivewsid").asText();
            if (id.equals("FOLDER::com.apple.CloudDocs::TRASH_ROOT")) {
                id = TRASH;
            }
            Node n = nodes.get(id);
            if (n == null || n.json.path("type").asText().equals("FILE")) {
                out.addObject().put("drivewsid", want.path("drivewsid").asText()).put("status", "ID_INVALID");
                continue;
            }
            if (n.refused) {
                return json(400, JSON.readTree("{\"errorCode\":\"NOT_FOUND\",\"error\":\"ObjectNotFoundException: Could"
                        + " not find document (NOT_FOUND)\"}"));
            }
            ObjectNode f = n.json.deepCopy();
            ArrayNode items = f.putArray("items");
            List<String> kids;
            synchronized (n.children) {
                kids = List.copyOf(n.children);
            }
            for (String c : kids) {
                Node k = nodes.get(c);
                if (k != null) {
                    items.add(k.json.deepCopy());
                }
            }
            f.put("numberOfItems", items.size());
            out.add(f);
        }
        return json(200, out);
    }

    private Reply docws(HttpExchange x, String p) throws IOException {
        Reply gate = serviceGate(x);
        if (gate != null) {
            return gate;
        }
        // /ws/<zone>/download/by_id?document_id=...
        String[] parts = p.split("/");
        if (parts.length < 5 || !parts[1].equals("ws") || !p.endsWith("/download/by_id")) {
            return json(404, JSON.readTree("{\"error\":\"not faked: " + p + "\"}"));
        }
        byIds.incrementAndGet();
        String zone = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        Node n = nodes.get("FILE::" + zone + "::" + q.get("document_id"));
        if (n == null) {
            return json(404, JSON.readTree("{\"errorCode\":\"NOT_FOUND\"}"));
        }
        if (n.packageBody == null && n.bytes.length == 0) {
            return json(400, JSON.readTree("{\"error\":\"Bad Request\"}")); // iCloud's answer for 0-byte files
        }
        byte[] bytes = n.packageBody != null ? n.packageBody : n.bytes;
        String sig = signature(bytes);
        String key = UUID.randomUUID().toString();
        signedUrls.put(key, n.id());
        long e = now().plus(urlLifetime).getEpochSecond();
        String name = n.json.path("name").asText() + (n.json.has("extension") ? "." + n.json.get("extension").asText() : "");
        String url = base() + "/content/" + (n.packageBody != null ? "packageDownload" : "B/" + sig.replace('/', '_')
                .replace('+', '-')) + "/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8) + "?o=" + key + "&e=" + e;
        ObjectNode out = JSON.createObjectNode().put("document_id", q.get("document_id"));
        ObjectNode token = out.putObject(n.packageBody != null ? "package_token" : "data_token");
        token.put("url", url).put("token", "token-" + key).put("signature", sig).put("wrapping_key", "wk==")
                .put("reference_signature", "ref-" + sig);
        out.put("double_etag", n.json.path("etag").asText());
        return json(200, out);
    }

    private void content(HttpExchange x, String path) throws IOException {
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        String id = q.get("o") == null ? null : signedUrls.get(q.get("o"));
        long e = q.get("e") == null ? 0 : Long.parseLong(q.get("e"));
        Node n = id == null ? null : nodes.get(id);
        if (n == null || e < now().getEpochSecond()) {
            x.sendResponseHeaders(403, -1);
            return;
        }
        if (x.getRequestHeaders().getFirst("Cookie") != null && x.getRequestHeaders().getFirst("Cookie").contains("WEBAUTH")) {
            // real clients send none here (the URL authorises itself); harmless, but noted for the header test
            lastHeaders.put("/content/with-cookies", x.getRequestHeaders());
        }
        if (failNext.get() > 0 && failNext.getAndDecrement() > 0) {
            x.sendResponseHeaders(failStatus, -1);
            return;
        }
        downloads.incrementAndGet();
        byte[] bytes = n.packageBody != null ? n.packageBody : n.bytes;
        if (shortNext.get() > 0 && shortNext.getAndDecrement() > 0) {
            // the connection breaks: half the bytes, then the server closes (chunked, so the client sees the end)
            x.sendResponseHeaders(200, 0);
            try (OutputStream o = x.getResponseBody()) {
                o.write(bytes, 0, bytes.length / 2);
            }
            return;
        }
        x.sendResponseHeaders(200, bytes.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A zip of some files ({path: bytes}), optionally wrapped in gzip, as a package download. */
    public static byte[] zip(Map<String, byte[]> files, boolean gzip) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bo)) {
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(f.getKey());
                    e.setTime(Instant.parse("2024-03-01T10:00:00Z").toEpochMilli());
                    z.putNextEntry(e);
                    if (f.getValue() != null) {
                        z.write(f.getValue());
                    }
                    z.closeEntry();
                }
            }
            if (!gzip) {
                return bo.toByteArray();
            }
            ByteArrayOutputStream go = new ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(go)) {
                g.write(bo.toByteArray());
            }
            return go.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The constant every idmsa call carries (reference §1.1); kept apart from the client's copy. */
    static final class IcloudClientHeaders {
        static final String WIDGET = "d39ba9916b7251055b22c7f910e2ea796ee65e98b2ddecea8f5dde8d9d1a815d";
    }
}
