package dev.linkvault.source.nextcloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a real S3 server that counts the HTTP requests passing
 * through, by method and by kind ("GET object", "HEAD bucket", ...). Counting at the wire, not in
 * the client, is what proves that a run made no request. Handles requests without bodies (what
 * a snapshot sends); fixtures are uploaded to the server directly.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int target;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    CountingProxy(int targetPort) throws IOException {
        this("127.0.0.1", targetPort);
    }

    CountingProxy(String targetHost, int targetPort) throws IOException {
        this.host = targetHost;
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "counting-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    long count(String kind) {
        AtomicLong n = counts.get(kind);
        return n == null ? 0 : n.get();
    }

    long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    void reset() {
        counts.clear();
    }

    @Override
    public String toString() {
        return counts.toString();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(host, target);
                pump(upstream.getInputStream(), client.getOutputStream(), null, client, upstream);
                pump(client.getInputStream(), upstream.getOutputStream(), new StringBuilder(), client, upstream);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Copies one direction; with {@code head} set, also reads request heads to count them. */
    private void pump(InputStream in, OutputStream out, StringBuilder head, Socket a, Socket b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (head != null) {
                        scan(head, buf, n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection ended
            } finally {
                try {
                    a.close();
                    b.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private void scan(StringBuilder head, byte[] buf, int n) {
        head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        int end;
        while ((end = head.indexOf("\r\n\r\n")) >= 0) {
            String first = head.substring(0, head.indexOf("\r\n"));
            head.delete(0, end + 4);
            String[] parts = first.split(" ");
            String path = parts[1].split("\\?")[0];
            boolean object = path.indexOf('/', 1) > 0 && path.indexOf('/', 1) < path.length() - 1;
            counts.computeIfAbsent(parts[0] + (object ? " object" : " bucket"), k -> new AtomicLong()).incrementAndGet();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
