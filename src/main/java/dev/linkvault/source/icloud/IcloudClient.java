package dev.linkvault.source.icloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.linkvault.source.icloud.IcloudException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Apple's web protocol as the iCloud web client speaks it (reference/icloud.md §1-3): the SRP
 * login on idmsa, the code, the trust, {@code accountLogin}, then drivews and docws on the hosts
 * it names. Every idmsa and setup answer's rotating headers and every cookie are kept in the
 * {@link IcloudSession}, which is saved after each response. Nothing here ever waits for a person:
 * codes come from a {@link Codes} the caller gives, and a run without one fails with a fix.
 */
public final class IcloudClient implements AutoCloseable {
    static final String WIDGET_KEY = "d39ba9916b7251055b22c7f910e2ea796ee65e98b2ddecea8f5dde8d9d1a815d";
    private static final String USER_AGENT = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/18.3.1 Safari/605.1.15";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** Where login starts; the Drive's hosts always come from accountLogin's webservices. */
    public record Endpoints(URI auth, URI setup) {
        public static final String AUTH = "https://idmsa.apple.com/appleauth/auth";
        public static final String SETUP = "https://setup.icloud.com/setup/ws/1";

        /**
         * @throws IllegalArgumentException for a URL that is not https, or plain http to a host
         *                                  other than 127.0.0.1 / localhost (a test's fake)
         */
        public static Endpoints of(String auth, String setup) {
            return new Endpoints(check(auth == null ? AUTH : auth), check(setup == null ? SETUP : setup));
        }

        public static URI check(String url) {
            URI u = URI.create(url.replaceAll("/+$", ""));
            if ("https".equals(u.getScheme()) && u.getHost() != null) {
                return u;
            }
            if ("http".equals(u.getScheme()) && isLoopback(u.getHost())) {
                return u;
            }
            throw new IllegalArgumentException("'" + url + "' must be an https:// URL (plain http:// only to 127.0.0.1)");
        }

        static boolean isLoopback(String host) {
            return "127.0.0.1".equals(host) || "localhost".equals(host);
        }
    }

    /** Where a verification code comes from: a prompt on a terminal, or {@code --code}. */
    public interface Codes {
        /** The code, or null when none can be had here (then the login fails with the fix). */
        String code(String where) throws IOException;
    }

    /** What accountLogin or validate said about the account. */
    public record Account(String dsid, boolean webAccessAllowed, boolean needsCode, boolean pcsRequired,
                          String drivews, String docws) {}

    private final Endpoints endpoints;
    private final IcloudSession session;
    private final Pacer pacer;
    private final HttpClient http;
    private final java.util.concurrent.ExecutorService httpThreads;
    private final String fixHint;
    private Account account;
    /** How often the session was renewed this run (at most once), and a count of renewals seen by requests. */
    private int renewals;
    private int generation;
    private Supplier<String> password = () -> null;

    /** @param fixHint the command that logs in, for messages: {@code linkvault -c vault.yaml icloud login} */
    public IcloudClient(Endpoints endpoints, IcloudSession session, Pacer pacer, int connections, String fixHint) {
        this.endpoints = endpoints;
        this.session = session;
        this.pacer = pacer;
        this.fixHint = fixHint;
        this.httpThreads = java.util.concurrent.Executors.newFixedThreadPool(Math.max(2, connections), r -> {
            Thread t = new Thread(r, "linkvault-icloud-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NEVER).executor(httpThreads).build();
    }

    public IcloudSession session() {
        return session;
    }

    public Account account() {
        return account;
    }

    /** The password, asked for only when Apple wants it (a renewal that the trust token alone cannot do). */
    public void password(Supplier<String> source) {
        this.password = source;
    }

    // ---------------------------------------------------------------- login

    /**
     * Whether the saved web session still works ({@code validate}), without logging in. Sets
     * {@link #account()} when it does.
     */
    public boolean sessionWorks() throws IOException, InterruptedException {
        if (!session.hasWebSession()) {
            return false;
        }
        Answer a = send("POST", endpoints.setup() + "/validate" + params(), "null", Host.SETUP);
        if (a.status != 200) {
            return false;
        }
        Account acc = accountOf(a.json());
        if (acc.needsCode()) {
            return false;
        }
        account = acc;
        return true;
    }

    /**
     * A full login as {@code icloud login} does it: SRP with the password (and the trust token if
     * any), a code when Apple asks (pushed to the trusted devices, or by SMS to {@code smsPhone}),
     * the trust, then accountLogin and, for an Advanced Data Protection account, the PCS consent.
     *
     * @param say lines for the person logging in (where the code was sent, what to approve)
     */
    public void login(String pw, Codes codes, Integer smsPhone, Consumer<String> say, Duration pcsWait)
            throws IOException, InterruptedException {
        int status = signin(pw);
        if (status == 409) {
            secondFactor(codes, smsPhone, say);
        } else if (status == 412) {
            repair();
        }
        accountLogin();
        if (account.needsCode()) {
            throw new IcloudException(Kind.PROTOCOL, "Apple still asks for a code after the code was accepted; try "
                    + fixHint + " again later");
        }
        pcs(say, pcsWait);
    }

    /**
     * Makes the session usable for a run without asking anyone: the saved web session if it
     * works, else accountLogin with the saved tokens, else an SRP login with the trust token (the
     * password is asked of the config only then). Fails with the fix when a code is needed.
     */
    public void resume() throws IOException, InterruptedException {
        if (sessionWorks()) {
            pcs(null, Duration.ZERO);
            return;
        }
        if (session.trustToken == null) {
            throw new IcloudException(Kind.NEEDS_LOGIN, "no saved iCloud login for " + session.appleId() + " in "
                    + session.file().getParent() + "; run: " + fixHint);
        }
        renewQuietly();
        pcs(null, Duration.ZERO);
    }

    /** accountLogin with the saved session token, else SRP with the trust token; never a code. */
    private void renewQuietly() throws IOException, InterruptedException {
        session.dropWebSession();
        if (session.sessionToken != null && tryAccountLogin() && !account.needsCode()) {
            return;
        }
        String pw = password.get();
        if (pw == null) {
            throw new IcloudException(Kind.NEEDS_LOGIN, "Apple asks for the password of " + session.appleId()
                    + " again (the saved session ended); set password-env or password-file on the source, or run: "
                    + fixHint);
        }
        int status = signin(pw);
        if (status == 409) {
            Instant ends = session.trustEnds();
            throw new IcloudException(Kind.NEEDS_LOGIN, "Apple asks for a verification code: the trust of this login"
                    + (ends == null ? "" : " (" + ends.toString().substring(0, 10) + ")") + " has ended; run: " + fixHint);
        }
        if (status == 412) {
            repair();
        }
        accountLogin();
        if (account.needsCode()) {
            throw new IcloudException(Kind.NEEDS_LOGIN, "Apple asks for a verification code; run: " + fixHint);
        }
    }

    /** Steps 1-4 of §1.2; the status of /signin/complete (200, 409 or 412). */
    private int signin(String pw) throws IOException, InterruptedException {
        String frame = session.clientId;
        send("GET", endpoints.auth() + "/authorize/signin?frame_id=" + frame + "&language=en_US&skVersion=7&iframeId="
                + frame + "&client_id=" + WIDGET_KEY + "&redirect_uri=https://www.icloud.com&response_type=code"
                + "&response_mode=web_message&state=" + frame + "&authVersion=latest", null, Host.AUTH);
        ObjectNode fed = JSON.createObjectNode().put("accountName", session.appleId()).put("rememberMe", true);
        send("POST", endpoints.auth() + "/federate?isRememberMeEnabled=true", fed.toString(), Host.AUTH);
        Srp srp = Srp.client();
        ObjectNode init = JSON.createObjectNode();
        init.put("a", b64(srp.publicA()));
        init.put("accountName", session.appleId());
        init.putArray("protocols").add("s2k").add("s2k_fo");
        Answer ch = send("POST", endpoints.auth() + "/signin/init", init.toString(), Host.AUTH);
        loginFailure(ch, "/signin/init");
        JsonNode c = ch.json();
        Srp.Proofs proofs;
        try {
            proofs = srp.proofs(session.appleId(), pw, Base64.getDecoder().decode(c.path("salt").asText()),
                    c.path("iteration").asInt(), c.path("protocol").asText(), Base64.getDecoder().decode(c.path("b").asText()));
        } catch (IllegalArgumentException e) {
            throw new IcloudException(Kind.PROTOCOL, "Apple's SRP challenge cannot be used: " + e.getMessage());
        }
        ObjectNode done = JSON.createObjectNode();
        done.put("accountName", session.appleId());
        done.put("c", c.path("c").asText());
        done.put("m1", b64(proofs.m1()));
        done.put("m2", b64(proofs.m2()));
        done.put("rememberMe", true);
        var trust = done.putArray("trustTokens");
        if (session.trustToken != null) {
            trust.add(session.trustToken);
        }
        Answer a = send("POST", endpoints.auth() + "/signin/complete?isRememberMeEnabled=true", done.toString(), Host.AUTH);
        if (a.status == 200 || a.status == 409 || a.status == 412) {
            return a.status;
        }
        loginFailure(a, "/signin/complete");
        throw new IcloudException(Kind.PROTOCOL, "Apple answered " + a.status + " to /signin/complete: " + a.brief());
    }

    /** One line for a refused login step; nothing for a 2xx. */
    private void loginFailure(Answer a, String step) throws IcloudException {
        if (a.status / 100 == 2) {
            return;
        }
        if (a.status == 401 || a.status == 403 || "401".equals(a.header("X-Apple-I-Rscd"))) {
            throw new IcloudException(Kind.WRONG_PASSWORD, "Apple refused the Apple ID or password of "
                    + session.appleId() + " (" + a.status + "); check password-env / password-file, then run: " + fixHint);
        }
        if (a.status == 503 || a.status == 429) {
            throw new IcloudException(Kind.THROTTLED, "Apple refuses logins for now (" + a.status + " at " + step
                    + "): too many in a short time; wait an hour or more before " + fixHint
                    + " (each try makes the wait longer)");
        }
        throw new IcloudException(Kind.PROTOCOL, "Apple answered " + a.status + " at " + step + ": " + a.brief());
    }

    /** The code (§1.2 steps 6-8): ask Apple to send it, take it, verify it, get the trust token. */
    private void secondFactor(Codes codes, Integer smsPhone, Consumer<String> say)
            throws IOException, InterruptedException {
        String verifyUrl;
        ObjectNode body = JSON.createObjectNode();
        if (smsPhone != null) {
            ObjectNode req = JSON.createObjectNode();
            req.putObject("phoneNumber").put("id", smsPhone);
            req.put("mode", "sms");
            Answer sent = send("PUT", endpoints.auth() + "/verify/phone", req.toString(), Host.AUTH);
            loginFailure(sent, "/verify/phone");
            say.accept("Apple sent a code by SMS to phone number " + smsPhone + ".");
            verifyUrl = endpoints.auth() + "/verify/phone/securitycode";
            body.putObject("phoneNumber").put("id", smsPhone);
            body.put("mode", "sms");
        } else {
            Answer pushed = send("PUT", endpoints.auth() + "/verify/trusteddevice/securitycode", null, Host.AUTH);
            loginFailure(pushed, "/verify/trusteddevice/securitycode");
            say.accept("Apple sent a code to your trusted devices.");
            verifyUrl = endpoints.auth() + "/verify/trusteddevice/securitycode";
        }
        String code = codes.code(smsPhone != null ? "the SMS" : "your trusted device");
        if (code == null) {
            throw new IcloudException(Kind.NEEDS_LOGIN, "Apple asks for a verification code and none can be asked for"
                    + " here (not a terminal); run on a terminal: " + fixHint + " (or add --code CODE)");
        }
        code = code.strip();
        if (!code.matches("[0-9]{6}")) {
            throw new IcloudException(Kind.WRONG_CODE, "'" + code + "' is not a 6-digit code; run " + fixHint + " again");
        }
        body.putObject("securityCode").put("code", code);
        Answer v = send("POST", verifyUrl, body.toString(), Host.AUTH);
        boolean accepted = v.status == 204 || v.status == 200
                || v.status == 409 && v.json().path("securityCode").path("valid").asBoolean(false);
        if (!accepted) {
            if (v.status == 400 || "-21669".equals(v.header("X-Apple-I-Ercd"))) {
                throw new IcloudException(Kind.WRONG_CODE, "Apple did not accept the code (-21669, incorrect"
                        + " verification code); run " + fixHint + " again and type the newest code");
            }
            loginFailure(v, "the code");
            throw new IcloudException(Kind.PROTOCOL, "Apple answered " + v.status + " to the code without accepting it: "
                    + v.brief());
        }
        Answer t = send("GET", endpoints.auth() + "/2sv/trust", null, Host.AUTH);
        loginFailure(t, "/2sv/trust");
        if (session.trustToken == null) {
            throw new IcloudException(Kind.PROTOCOL, "Apple gave no trust token after the code; run " + fixHint + " again");
        }
        session.trustedSince = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        session.save();
    }

    /** §1.4: a non-2FA account's repair step. */
    private void repair() throws IOException, InterruptedException {
        loginFailure(send("POST", endpoints.auth() + "/repair/complete", "{}", Host.AUTH), "/repair/complete");
    }

    private void accountLogin() throws IOException, InterruptedException {
        if (!tryAccountLogin()) {
            throw new IcloudException(Kind.NEEDS_LOGIN, "Apple refused the login token at accountLogin; run: " + fixHint);
        }
    }

    /** accountLogin with the newest session token; false when Apple refuses the token (400, 401, 421). */
    private boolean tryAccountLogin() throws IOException, InterruptedException {
        ObjectNode b = JSON.createObjectNode();
        b.put("accountCountryCode", session.accountCountry == null ? "USA" : session.accountCountry);
        b.put("dsWebAuthToken", session.sessionToken);
        b.put("extended_login", true);
        b.put("trustToken", session.trustToken == null ? "" : session.trustToken);
        Answer a = send("POST", endpoints.setup() + "/accountLogin" + params(), b.toString(), Host.SETUP);
        if (a.status == 400 || a.status == 401 || a.status == 421) {
            return false;
        }
        if (a.status == 503 || a.status == 429) {
            loginFailure(a, "accountLogin");
        }
        if (a.status != 200) {
            throw new IcloudException(Kind.PROTOCOL, "Apple answered " + a.status + " at accountLogin: " + a.brief());
        }
        JsonNode j = a.json();
        if (j.has("domainToUse")) {
            throw new IcloudException(Kind.PROTOCOL, "Apple insists on the domain " + j.get("domainToUse").asText()
                    + " for this account; set the source's endpoints to that region's hosts");
        }
        account = accountOf(j);
        session.dsid = account.dsid();
        session.drivews = account.drivews();
        session.docws = account.docws();
        session.save();
        return true;
    }

    private Account accountOf(JsonNode j) throws IcloudException {
        JsonNode ds = j.path("dsInfo");
        boolean needsCode = ds.path("hsaVersion").asInt() == 2
                && (j.path("hsaChallengeRequired").asBoolean(false) || !j.path("hsaTrustedBrowser").asBoolean(false));
        JsonNode ws = j.path("webservices");
        String drive = ws.path("drivews").path("url").asText(null);
        String docs = ws.path("docws").path("url").asText(null);
        if (!needsCode && (drive == null || docs == null)) {
            throw new IcloudException(Kind.PROTOCOL, "Apple's account answer names no iCloud Drive service"
                    + " (webservices.drivews / docws): is iCloud Drive switched on for " + session.appleId() + "?");
        }
        boolean pcs = ws.path("drivews").path("pcsRequired").asBoolean(false) || ws.path("docws").path("pcsRequired").asBoolean(false);
        return new Account(ds.path("dsid").asText(null), ds.path("isWebAccessAllowed").asBoolean(true), needsCode, pcs,
                trimSlash(drive), trimSlash(docs));
    }

    private static String trimSlash(String url) {
        return url == null ? null : url.replaceAll("/+$", "");
    }

    /**
     * Web access and Advanced Data Protection (§1.8): a run stops when web access is off or the
     * PCS cookies cannot be had; a login asks for the device's consent and waits up to
     * {@code wait} for it.
     */
    private void pcs(Consumer<String> say, Duration wait) throws IOException, InterruptedException {
        if (!account.webAccessAllowed()) {
            throw new IcloudException(Kind.WEB_ACCESS_OFF, "'Access iCloud Data on the Web' is off for "
                    + session.appleId() + ": switch it on (iPhone: Settings > your name > iCloud), then run: " + fixHint);
        }
        if (!account.pcsRequired() || session.cookies.containsKey("X-APPLE-WEBAUTH-PCS-Documents")) {
            return;
        }
        Answer state = send("POST", endpoints.setup() + "/requestWebAccessState" + params(), "{}", Host.SETUP);
        JsonNode s = state.json();
        if (state.status == 200 && !s.path("isWebAccessAllowed").asBoolean(true)) {
            throw new IcloudException(Kind.WEB_ACCESS_OFF, "'Access iCloud Data on the Web' is off for "
                    + session.appleId() + " (Advanced Data Protection): switch it on, then run: " + fixHint);
        }
        if (state.status == 200 && !s.path("isDeviceConsentedForPCS").asBoolean(true)) {
            if (say == null) {
                throw new IcloudException(Kind.ADP_PENDING, "Advanced Data Protection: a device of " + session.appleId()
                        + " must approve this login first; run: " + fixHint);
            }
            send("POST", endpoints.setup() + "/enableDeviceConsentForPCS" + params(), "{}", Host.SETUP);
            say.accept("Advanced Data Protection: approve the request on one of your devices; waiting up to "
                    + wait.toSeconds() + " s.");
        }
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            Answer p = send("POST", endpoints.setup() + "/requestPCS" + params(),
                    "{\"appName\":\"iclouddrive\",\"derivedFromUserAction\":" + (say != null) + "}", Host.SETUP);
            if (p.status == 200 && "success".equals(p.json().path("status").asText())) {
                return;
            }
            if (System.nanoTime() >= until) {
                throw new IcloudException(Kind.ADP_PENDING, "Advanced Data Protection: the devices of "
                        + session.appleId() + " have not sent the keys for the web yet ("
                        + p.json().path("message").asText(p.brief()) + "); approve on a device, then run: " + fixHint);
            }
            Thread.sleep(Math.min(5000, Math.max(50, wait.toMillis() / 10)));
        }
    }

    // ---------------------------------------------------------------- Drive

    /** A POST to drivews (a listing), renewed once on a dead session, paced. */
    public JsonNode drivews(String path, String body) throws IOException, InterruptedException {
        return service("POST", () -> account.drivews() + path + params(), body);
    }

    /** A GET of docws (a download's URL), likewise. */
    public JsonNode docws(String pathAndQuery) throws IOException, InterruptedException {
        return service("GET", () -> account.docws() + pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?")
                + params().substring(1), null);
    }

    private interface Url {
        String get();
    }

    private JsonNode service(String method, Url url, String body) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int seen;
            synchronized (this) {
                seen = generation;
            }
            Answer a = send(method, url.get(), body, Host.SERVICE);
            if (a.status == 401 || a.status == 421) {
                renew(seen, a.status);
                continue;
            }
            if (a.status == 423) {
                throw new IcloudException(Kind.ADP_PENDING, "Advanced Data Protection: Apple wants the PCS keys of a"
                        + " device (423); run: " + fixHint);
            }
            if (a.status == 200 && !throttled(a)) {
                pacer.ok();
                return a.json();
            }
            if (attempt >= pacer.attempts || !retryable(a)) {
                throw new IOException("iCloud answered " + a.status + " (" + a.brief() + ")"
                        + (attempt > 1 ? " after " + attempt + " tries" : ""));
            }
            pacer.slowDown();
        }
    }

    /**
     * The session died mid-run: renew it once with the trust token (never a second time in a run:
     * Apple locks accounts that log in too often). Requests that saw the old session and come
     * late find it renewed already and simply go again.
     */
    private synchronized void renew(int seen, int status) throws IOException, InterruptedException {
        if (generation != seen) {
            return;
        }
        if (renewals >= 1) {
            throw new IcloudException(Kind.SESSION_DEAD, "the iCloud session ended again (" + status + ") after it"
                    + " was renewed once this run; stopped rather than log in again; run: " + fixHint);
        }
        renewals++;
        renewQuietly();
        generation++;
    }

    private static boolean throttled(Answer a) {
        String body = a.bodyText();
        return body.contains("\"THROTTLED\"") || body.contains("\"ZONE_BUSY\"");
    }

    /** rclone's list (§5): 400 (spurious), 408, 409 (ZONE_BUSY), 429, 5xx. */
    private static boolean retryable(Answer a) {
        return List.of(400, 408, 409, 429, 500, 502, 503, 504).contains(a.status) || throttled(a);
    }

    /**
     * The bytes at a signed URL: a plain GET without cookies (the URL authorises itself), following
     * Apple's 330 and ordinary redirects, paced like every request.
     */
    public HttpResponse<InputStream> content(String url) throws IOException, InterruptedException {
        String at = url;
        for (int hops = 0; ; ) {
            pacer.await();
            HttpRequest req = HttpRequest.newBuilder(URI.create(at)).timeout(TIMEOUT).header("User-Agent", USER_AGENT)
                    .GET().build();
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            int s = r.statusCode();
            if ((s == 330 || s == 301 || s == 302 || s == 303 || s == 307) && hops++ < 5) {
                r.body().close();
                at = URI.create(at).resolve(r.headers().firstValue("Location").orElseThrow(
                        () -> new IOException("iCloud sent " + s + " without a Location"))).toString();
                continue;
            }
            if (s == 503 || s == 429) {
                pacer.slowDown();
            }
            return r;
        }
    }

    // ---------------------------------------------------------------- HTTP

    private enum Host { AUTH, SETUP, SERVICE }

    private String params() {
        String p = "?clientBuildNumber=2534Project66&clientMasteringNumber=2534B22&clientId="
                + session.clientId.replaceFirst("^auth-", "");
        return session.dsid == null ? p : p + "&dsid=" + URLEncoder.encode(session.dsid, StandardCharsets.UTF_8);
    }

    /** One answer, its body read whole (JSON answers are small; contents go through {@link #content}). */
    private record Answer(int status, java.net.http.HttpHeaders headers, byte[] body) {
        JsonNode json() throws IcloudException {
            try {
                JsonNode n = body.length == 0 ? null : JSON.readTree(body);
                return n == null ? JSON.createObjectNode() : n;
            } catch (IOException e) {
                if (status / 100 != 2) {
                    return JSON.createObjectNode();
                }
                throw new IcloudException(Kind.PROTOCOL, "iCloud answered " + status + " with what is not JSON: " + brief());
            }
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String brief() {
            return IcloudClient.brief(bodyText());
        }
    }

    private Answer send(String method, String url, String body, Host host) throws IOException, InterruptedException {
        if (host == Host.SERVICE) {
            pacer.await();
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("User-Agent", USER_AGENT);
        if (host == Host.AUTH) {
            authHeaders(b);
        } else {
            b.header("Origin", "https://www.icloud.com").header("Referer", "https://www.icloud.com/")
                    .header("Accept", "application/json");
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        String cookies = session.cookieHeader(Instant.now(), host == Host.AUTH);
        if (cookies != null) {
            b.header("Cookie", cookies);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach " + URI.create(url).getHost() + ": " + e.getMessage(), e);
        }
        Answer a = new Answer(r.statusCode(), r.headers(), r.body());
        harvest(a, host);
        return a;
    }

    private void authHeaders(HttpRequest.Builder b) {
        String frame = session.clientId;
        b.header("Accept", "application/json").header("Origin", "https://idmsa.apple.com")
                .header("Referer", "https://idmsa.apple.com/").header("X-Apple-Widget-Key", WIDGET_KEY)
                .header("X-Apple-OAuth-Client-Id", WIDGET_KEY).header("X-Apple-OAuth-Client-Type", "firstPartyAuth")
                .header("X-Apple-OAuth-Redirect-URI", "https://www.icloud.com")
                .header("X-Apple-OAuth-Require-Grant-Code", "true").header("X-Apple-OAuth-Response-Mode", "web_message")
                .header("X-Apple-OAuth-Response-Type", "code").header("X-Apple-OAuth-State", frame)
                .header("X-Apple-Frame-Id", frame).header("X-Requested-With", "XMLHttpRequest")
                .header("X-Apple-Mandate-Security-Upgrade", "0").header("X-Apple-I-Require-UE", "true")
                .header("X-Apple-I-FD-Client-Info", "{\"U\":\"" + USER_AGENT + "\",\"L\":\"en-US\",\"Z\":\"GMT+00:00\","
                        + "\"V\":\"1.1\",\"F\":\"\"}");
        if (session.scnt != null) {
            b.header("scnt", session.scnt);
        }
        if (session.sessionId != null) {
            b.header("X-Apple-ID-Session-Id", session.sessionId);
        }
        if (session.authAttributes != null) {
            b.header("X-Apple-Auth-Attributes", session.authAttributes);
        }
    }

    /** The headers idmsa and setup answers carry that the next request sends back (§1.1). */
    private static final List<String> ROTATING = List.of("X-Apple-ID-Account-Country", "X-Apple-ID-Session-Id",
            "X-Apple-Session-Token", "X-Apple-TwoSV-Trust-Token", "scnt", "X-Apple-Auth-Attributes");

    /** Keeps what every answer rotates (§1.1) and its cookies, and saves the session. */
    private void harvest(Answer a, Host host) throws IOException {
        boolean changed = false;
        if (host != Host.SERVICE) {
            for (String h : ROTATING) {
                String v = a.header(h);
                if (v == null || v.isEmpty()) {
                    continue;
                }
                changed = true;
                switch (h) {
                    case "X-Apple-ID-Account-Country" -> session.accountCountry = v;
                    case "X-Apple-ID-Session-Id" -> session.sessionId = v;
                    case "X-Apple-Session-Token" -> session.sessionToken = v;
                    case "X-Apple-TwoSV-Trust-Token" -> session.trustToken = v;
                    case "scnt" -> session.scnt = v;
                    default -> session.authAttributes = v;
                }
            }
        }
        Instant now = Instant.now();
        for (String c : a.headers().allValues("Set-Cookie")) {
            session.setCookie(c, now, host == Host.AUTH);
            changed = true;
        }
        if (changed) {
            session.save();
        }
    }

    /** A body on one line, cut to 200 characters: for one-line messages. */
    static String brief(String body) {
        String t = body.strip().replaceAll("\\s+", " ");
        return t.isEmpty() ? "no body" : t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** Ends the client's threads (Java 17's HttpClient has no close of its own). */
    @Override
    public void close() {
        httpThreads.shutdownNow();
    }
}
