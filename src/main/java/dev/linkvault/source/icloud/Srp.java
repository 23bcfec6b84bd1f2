package dev.linkvault.source.icloud;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.SRP6GroupParameters;
import org.bouncycastle.util.encoders.Hex;

/**
 * SRP-6a as Apple's web login uses it (reference/icloud.md §1.3): the RFC 5054 2048-bit group,
 * SHA-256, the password first stretched with PBKDF2 ({@code s2k} or {@code s2k_fo}), no user name
 * in x, and both proofs sent by the client. Numbers inside hashes are padded to the group's length
 * (as rclone does; pysrp's minimal bytes differ only when a number has a leading zero byte).
 */
public final class Srp {
    public static final SRP6GroupParameters GROUP = SRP6StandardGroups.rfc5054_2048;
    static final BigInteger N = GROUP.getN();
    static final BigInteger G = GROUP.getG();
    static final int LENGTH = (N.bitLength() + 7) / 8;

    private final BigInteger a;
    private final BigInteger bigA;

    private Srp(BigInteger a) {
        this.a = a;
        this.bigA = G.modPow(a, N);
    }

    /** A client with a fresh random secret (32 bytes, as rclone). */
    public static Srp client() {
        byte[] r = new byte[32];
        new SecureRandom().nextBytes(r);
        return new Srp(new BigInteger(1, r));
    }

    /** A client with a given secret: for tests that pin the numbers. */
    public static Srp client(BigInteger secret) {
        return new Srp(secret);
    }

    /** A, the client's public number, as sent in {@code /signin/init} (padded to 256 bytes). */
    public byte[] publicA() {
        return pad(bigA);
    }

    /** The two proofs of {@code /signin/complete}. */
    public record Proofs(byte[] m1, byte[] m2) {}

    /**
     * The proofs for the server's challenge.
     *
     * @param account    the Apple ID as typed (lower-cased here: Apple hashes it so)
     * @param protocol   {@code s2k} or {@code s2k_fo}, as the server chose
     * @throws IllegalArgumentException for another protocol or a B that is 0 mod N
     */
    public Proofs proofs(String account, String password, byte[] salt, int iterations, String protocol, byte[] b) {
        BigInteger bigB = new BigInteger(1, b);
        if (bigB.mod(N).signum() == 0) {
            throw new IllegalArgumentException("the server's B is 0 mod N");
        }
        byte[] p = passwordKey(password, salt, iterations, protocol);
        BigInteger x = x(salt, p);
        BigInteger k = new BigInteger(1, sha256(pad(N), pad(G)));
        BigInteger u = u(bigA, bigB);
        BigInteger s = bigB.subtract(k.multiply(G.modPow(x, N))).mod(N).modPow(a.add(u.multiply(x)), N);
        byte[] key = sha256(pad(s));
        byte[] m1 = m1(account, salt, pad(bigA), pad(bigB), key);
        return new Proofs(m1, sha256(pad(bigA), m1, key));
    }

    /** The stretched password P (§1.3): PBKDF2-HMAC-SHA256 of SHA-256(password), raw or as hex. */
    public static byte[] passwordKey(String password, byte[] salt, int iterations, String protocol) {
        byte[] digest = sha256(password.getBytes(StandardCharsets.UTF_8));
        byte[] input = switch (protocol) {
            case "s2k" -> digest;
            case "s2k_fo" -> Hex.toHexString(digest).getBytes(StandardCharsets.US_ASCII);
            default -> throw new IllegalArgumentException("password protocol '" + protocol + "' is not s2k or s2k_fo");
        };
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA256Digest());
        gen.init(input, salt, iterations);
        return ((KeyParameter) gen.generateDerivedParameters(256)).getKey();
    }

    /** x = H(salt | H(":" | P)): no user name. */
    public static BigInteger x(byte[] salt, byte[] passwordKey) {
        return new BigInteger(1, sha256(salt, sha256(":".getBytes(StandardCharsets.US_ASCII), passwordKey)));
    }

    /** u = H(pad(A) | pad(B)). */
    public static BigInteger u(BigInteger bigA, BigInteger bigB) {
        return new BigInteger(1, sha256(pad(bigA), pad(bigB)));
    }

    /** M1 = H(H(N) xor H(pad(g)) | H(I) | salt | A | B | K), A and B in the given bytes. */
    public static byte[] m1(String account, byte[] salt, byte[] aBytes, byte[] bBytes, byte[] key) {
        byte[] hn = sha256(pad(N));
        byte[] hg = sha256(pad(G));
        for (int i = 0; i < hn.length; i++) {
            hn[i] ^= hg[i];
        }
        byte[] hi = sha256(account.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        return sha256(hn, hi, salt, aBytes, bBytes, key);
    }

    /** A number as 256 big-endian bytes. */
    public static byte[] pad(BigInteger n) {
        byte[] raw = n.toByteArray();
        byte[] out = new byte[LENGTH];
        int from = Math.max(0, raw.length - LENGTH);
        System.arraycopy(raw, from, out, LENGTH - (raw.length - from), raw.length - from);
        return out;
    }

    /** A number in its fewest big-endian bytes (pysrp's {@code long_to_bytes}). */
    public static byte[] minimal(BigInteger n) {
        byte[] raw = n.toByteArray();
        if (raw.length > 1 && raw[0] == 0) {
            return java.util.Arrays.copyOfRange(raw, 1, raw.length);
        }
        return raw;
    }

    public static byte[] sha256(byte[]... parts) {
        SHA256Digest d = new SHA256Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }
}
