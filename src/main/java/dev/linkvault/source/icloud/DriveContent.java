package dev.linkvault.source.icloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkvault.source.Content;
import dev.linkvault.source.TransferException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * One document's bytes (reference §3): {@code download/by_id} in the item's zone gives a signed
 * URL, a plain GET of it gives the bytes, which must be as many as the listing says. The
 * document's {@code signature} is offered to the engine as the content's alias: a file whose etag
 * changed but whose signature is one already stored is linked without a download.
 */
final class DriveContent implements Content {
    private final IcloudClient client;
    private final String zone;
    private final String docwsid;
    private final long size;
    private JsonNode token;
    private boolean pkg;

    DriveContent(IcloudClient client, String zone, String docwsid, long size) {
        this.client = client;
        this.zone = zone;
        this.docwsid = docwsid;
        this.size = size;
    }

    /** The data (or package) token of by_id, asked once per run and file. */
    synchronized JsonNode token() throws IOException {
        if (token == null) {
            JsonNode answer;
            try {
                answer = client.docws("/ws/" + URLEncoder.encode(zone, StandardCharsets.UTF_8)
                        + "/download/by_id?document_id=" + URLEncoder.encode(docwsid, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("stopped");
            }
            JsonNode t = answer.path("data_token");
            pkg = !t.has("url");
            if (pkg) {
                t = answer.path("package_token");
            }
            if (!t.has("url")) {
                throw new IOException("iCloud's download/by_id gave no URL for this document: "
                        + IcloudClient.brief(answer.toString()));
            }
            token = t;
        }
        return token;
    }

    /** Whether by_id gave a package token (a zip of a macOS package) rather than a data token. */
    synchronized boolean isPackage() throws IOException {
        token();
        return pkg;
    }

    @Override
    public InputStream open() throws IOException {
        return open(true);
    }

    /** @param exact whether fewer or more bytes than the listing says is a transfer error (not for packages) */
    InputStream open(boolean exact) throws IOException {
        String url = token().path("url").asText();
        HttpResponse<InputStream> r;
        try {
            r = client.content(url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("stopped");
        } catch (IOException e) {
            throw new TransferException("the download broke off: " + e.getMessage(), e);
        }
        int s = r.statusCode();
        if (s != 200) {
            r.body().close();
            synchronized (this) {
                token = null; // a signed URL can expire: the next try asks for a new one
            }
            String what = "iCloud's content host answered " + s;
            if (s >= 500 || s == 429 || s == 403 || s == 408) {
                throw new TransferException(what, null);
            }
            throw new IOException(what);
        }
        return exact ? new Exact(r.body(), size) : r.body();
    }

    /** The alias key of the document's signature: a SHA-256 in hex, apart from S3's 32-hex ETags. */
    @Override
    public String knownEtag() throws IOException {
        return aliasOf(token());
    }

    @Override
    public synchronized String readEtag() {
        return aliasOf(token);
    }

    /** The alias key of a token's signature, or null without one. */
    static String aliasOf(JsonNode token) {
        String sig = token == null ? null : token.path("signature").asText("");
        return sig == null || sig.isEmpty() ? null : org.bouncycastle.util.encoders.Hex.toHexString(
                Srp.sha256(("icloud-signature:" + sig).getBytes(StandardCharsets.UTF_8)));
    }

    /** Fails at the end of the stream when the bytes were not as many as expected. */
    private static final class Exact extends FilterInputStream {
        private final long expected;
        private long seen;

        Exact(InputStream in, long expected) {
            super(in);
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                check();
            } else {
                seen++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(buf, off, len);
            } catch (IOException e) {
                throw new TransferException("the download broke off after " + seen + " bytes: " + e.getMessage(), e);
            }
            if (n < 0) {
                check();
            } else {
                seen += n;
                if (seen > expected) {
                    throw new TransferException("iCloud sent more than the " + expected + " bytes the listing says", null);
                }
            }
            return n;
        }

        private void check() throws TransferException {
            if (seen != expected) {
                throw new TransferException("iCloud sent " + seen + " bytes where the listing says " + expected, null);
            }
        }
    }
}
