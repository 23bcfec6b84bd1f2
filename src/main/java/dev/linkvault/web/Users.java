package dev.linkvault.web;

import dev.linkvault.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The web users file: one {@code name:bcrypt-hash} line per user ({@code $2y$}, cost 12, as
 * htpasswd -B writes them, so either tool can make it). A password once checked is remembered
 * for five minutes by a keyed hash, not checked with bcrypt again on every request of a page.
 */
final class Users {
    static final int COST = 12;
    private final Map<String, String> hashes;
    private final Map<String, Long> recently = new ConcurrentHashMap<>();
    private final byte[] key = new byte[32];

    private Users(Map<String, String> hashes) {
        this.hashes = hashes;
        new SecureRandom().nextBytes(key);
    }

    static Users load(Path file) {
        try {
            return new Users(parse(file));
        } catch (IOException e) {
            throw new UserError("cannot read the users file " + file + ": " + dev.linkvault.IoErrors.reasonAndFix(e), e);
        }
    }

    private static Map<String, String> parse(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String hash = colon < 0 ? "" : line.substring(colon + 1).trim();
            if (colon <= 0 || !hash.matches("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                throw new UserError("users file " + file + " line " + n + " is not NAME:BCRYPT-HASH; make users with:"
                        + " linkvault serve --add-user NAME --auth-file " + file);
            }
            out.put(line.substring(0, colon), hash);
        }
        if (out.isEmpty()) {
            throw new UserError("users file " + file + " names no user; add one with: linkvault serve --add-user NAME"
                    + " --auth-file " + file);
        }
        return out;
    }

    /** Whether {@code name} with {@code password} is a user. */
    boolean check(String name, String password) {
        String hash = hashes.get(name);
        if (hash == null) {
            return false;
        }
        String seen = keyed(name + "\u0000" + password);
        Long until = recently.get(seen);
        long now = System.currentTimeMillis();
        if (until != null && until > now) {
            return true;
        }
        boolean ok;
        try {
            ok = OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
        } catch (IllegalArgumentException e) {
            ok = false;
        }
        if (ok) {
            recently.put(seen, now + 5 * 60_000);
        }
        return ok;
    }

    private String keyed(String s) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds {@code name} (or gives it a new password) in {@code file}, created with mode 0600 if
     * missing; written aside and renamed, so the file is never half-written.
     */
    static void add(Path file, String name, char[] password) throws IOException {
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new UserError("user name '" + name + "': use 1-64 of A-Za-z0-9._@-");
        }
        if (password.length < 8) {
            throw new UserError("the password is shorter than 8 characters; choose a longer one");
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2y", password, salt, COST);
        Map<String, String> all = Files.exists(file) ? parseLenient(file) : new LinkedHashMap<>();
        all.put(name, hash);
        StringBuilder sb = new StringBuilder("# linkvault web users: NAME:BCRYPT-HASH (linkvault serve --add-user NAME)\n");
        all.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".web-users-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Map<String, String> parseLenient(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return out;
    }
}
