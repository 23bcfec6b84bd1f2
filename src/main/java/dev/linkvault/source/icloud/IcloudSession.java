package dev.linkvault.source.icloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a login leaves to the next run (reference/icloud.md §1.6): the client id, Apple's rotating
 * {@code scnt}, session id and session token, the trust token and when its trust ends, the cookie
 * jar, and the Drive hosts {@code accountLogin} named. One JSON file per Apple ID in the session
 * folder (0700), mode 0600, rewritten atomically (temp file, fsync, rename) after every response.
 */
public final class IcloudSession {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long Apple trusts a browser after a code was entered (rclone, docker-icloudpd: 30 days). */
    public static final java.time.Duration TRUST = java.time.Duration.ofDays(30);

    private final Path file;
    private final String appleId;
    String clientId;
    String scnt;
    String sessionId;
    String sessionToken;
    String trustToken;
    String accountCountry;
    String authAttributes;
    Instant trustedSince;
    String dsid;
    String drivews;
    String docws;
    /** Cookies by name (Apple's names are unique across its hosts). */
    final Map<String, Cookie> cookies = new LinkedHashMap<>();

    /**
     * One cookie; {@code expires} null for a session cookie; {@code auth} for one idmsa set, which
     * goes back to idmsa only (as a browser's jar keeps {@code apple.com} and {@code icloud.com} apart).
     */
    record Cookie(String name, String value, Instant expires, boolean auth) {}

    private IcloudSession(Path file, String appleId) {
        this.file = file;
        this.appleId = appleId;
    }

    /** The session file of an Apple ID in a folder: its name keeps letters and digits of the ID. */
    public static Path fileOf(Path dir, String appleId) {
        return dir.resolve(appleId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "") + ".session");
    }

    /** The saved session, or a fresh one (with a new client id) when none is saved. */
    public static IcloudSession load(Path dir, String appleId) throws IOException {
        Path f = fileOf(dir, appleId);
        IcloudSession s = new IcloudSession(f, appleId);
        if (!Files.exists(f)) {
            s.clientId = "auth-" + UUID.randomUUID();
            return s;
        }
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(f));
        } catch (IOException e) {
            throw new IOException("session file " + f + " cannot be read (" + e.getMessage() + "); delete it and run"
                    + " icloud login again", e);
        }
        s.clientId = text(n, "client_id");
        if (s.clientId == null) {
            s.clientId = "auth-" + UUID.randomUUID();
        }
        s.scnt = text(n, "scnt");
        s.sessionId = text(n, "session_id");
        s.sessionToken = text(n, "session_token");
        s.trustToken = text(n, "trust_token");
        s.accountCountry = text(n, "account_country");
        s.authAttributes = text(n, "auth_attributes");
        String since = text(n, "trusted_since");
        s.trustedSince = since == null ? null : Instant.parse(since);
        s.dsid = text(n, "dsid");
        s.drivews = text(n, "drivews");
        s.docws = text(n, "docws");
        for (JsonNode c : n.path("cookies")) {
            String exp = text(c, "expires");
            s.cookies.put(c.get("name").asText(), new Cookie(c.get("name").asText(), c.get("value").asText(),
                    exp == null ? null : Instant.parse(exp), c.path("auth").asBoolean(false)));
        }
        return s;
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    public String appleId() {
        return appleId;
    }

    public Path file() {
        return file;
    }

    /** When Apple's trust of this browser ends (30 days after the code), or null when there is no trust token. */
    public Instant trustEnds() {
        return trustToken == null || trustedSince == null ? null : trustedSince.plus(TRUST);
    }

    /** Whether there is what a run needs to list the Drive without a login: cookies and the Drive hosts. */
    public boolean hasWebSession() {
        return drivews != null && docws != null && cookies.values().stream().anyMatch(c -> !c.auth());
    }

    /** The cookies for idmsa ({@code auth}) or for iCloud's hosts, not expired at {@code now}, as a header value, or null. */
    String cookieHeader(Instant now, boolean auth) {
        List<String> parts = new ArrayList<>();
        for (Cookie c : cookies.values()) {
            if (c.auth() == auth && (c.expires() == null || c.expires().isAfter(now))) {
                parts.add(c.name() + "=" + c.value());
            }
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** Takes one Set-Cookie header (from idmsa when {@code auth}): a past Expires or Max-Age=0 removes the cookie. */
    void setCookie(String header, Instant now, boolean auth) {
        String[] parts = header.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        Instant expires = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            String lower = p.toLowerCase(java.util.Locale.ROOT);
            try {
                if (lower.startsWith("max-age=")) {
                    expires = now.plusSeconds(Long.parseLong(p.substring(8).trim()));
                } else if (lower.startsWith("expires=") && expires == null) {
                    expires = java.time.ZonedDateTime.parse(p.substring(8).trim(),
                            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                }
            } catch (RuntimeException unparsable) {
                // a cookie whose expiry cannot be read is kept as a session cookie
            }
        }
        if (expires != null && !expires.isAfter(now) || value.isEmpty()) {
            cookies.remove(name);
        } else {
            cookies.put(name, new Cookie(name, value, expires, auth));
        }
    }

    /** Forgets the web session (iCloud's cookies), keeping the trust token: the next run logs in with it. */
    void dropWebSession() {
        cookies.values().removeIf(c -> !c.auth());
    }

    /** Writes the session atomically, mode 0600, in its folder (made 0700 if missing). */
    public synchronized void save() throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("apple_id", appleId);
        n.put("client_id", clientId);
        n.put("scnt", scnt);
        n.put("session_id", sessionId);
        n.put("session_token", sessionToken);
        n.put("trust_token", trustToken);
        n.put("trusted_since", trustedSince == null ? null : trustedSince.toString());
        n.put("account_country", accountCountry);
        n.put("auth_attributes", authAttributes);
        n.put("dsid", dsid);
        n.put("drivews", drivews);
        n.put("docws", docws);
        ArrayNode cs = n.putArray("cookies");
        for (Cookie c : cookies.values()) {
            ObjectNode o = cs.addObject();
            o.put("name", c.name());
            o.put("value", c.value());
            o.put("expires", c.expires() == null ? null : c.expires().toString());
            o.put("auth", c.auth());
        }
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n)
                    .getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
