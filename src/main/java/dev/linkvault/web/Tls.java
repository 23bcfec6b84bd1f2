package dev.linkvault.web;

import dev.linkvault.UserError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** HTTPS from PEM files as certbot and most CAs hand them out: the certificate chain and a PKCS#8 key. */
public final class Tls {
    private Tls() {}

    /** {@code cert}: the certificate (and chain) PEM; {@code key}: the unencrypted PKCS#8 key PEM. */
    public record Files(Path cert, Path key) {}

    static SslContextFactory.Server context(Files f) {
        try {
            Certificate[] chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(java.nio.file.Files.readAllBytes(f.cert())))
                    .toArray(new Certificate[0]);
            if (chain.length == 0) {
                throw new UserError("--tls-cert " + f.cert() + " holds no certificate (PEM, BEGIN CERTIFICATE)");
            }
            PrivateKey key = key(f.key(), chain[0].getPublicKey().getAlgorithm());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "linkvault".toCharArray(); // in memory only
            ks.setKeyEntry("server", key, pw, chain);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(ks);
            ssl.setKeyStorePassword(new String(pw));
            return ssl;
        } catch (IOException e) {
            throw new UserError("cannot read the TLS files: " + dev.linkvault.IoErrors.reasonAndFix(e), e);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new UserError("--tls-cert " + f.cert() + " / --tls-key " + f.key() + ": " + e.getMessage()
                    + "; give the certificate PEM and its unencrypted PKCS#8 key PEM (BEGIN PRIVATE KEY)", e);
        }
    }

    private static PrivateKey key(Path file, String algorithm) throws IOException, java.security.GeneralSecurityException {
        String pem = java.nio.file.Files.readString(file, StandardCharsets.US_ASCII);
        int a = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int b = pem.indexOf("-----END PRIVATE KEY-----");
        if (a < 0 || b < a) {
            throw new UserError("--tls-key " + file + " is not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it"
                    + " with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(a + 27, b));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
