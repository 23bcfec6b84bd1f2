package dev.linkvault.source.nextcloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a real S3 server. It counts the HTTP requests passing
 * through, by method and kind ("GET object", "HEAD bucket", ...): counting at the wire, not in
 * the client, is what proves that a run made no request. On demand it also does what a real
 * server cannot be asked to do: answer 503, damage a byte of a body, or cut a connection in the
 * middle of a body. Handles requests without bodies (what a snapshot sends); fixtures are
 * uploaded to the server directly.
 */
final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int target;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger corrupt = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();

    /** Until this nanoTime, every object GET is answered 503 (a brown-out); 0 for none. */
    private volatile long outageUntil;
    /** Object GETs whose path ends with this get their body one byte at a time, {@link #trickleMillis} apart. */
    private volatile String trickleKey;
    private final AtomicInteger trickles = new AtomicInteger();
    private volatile long trickleMillis;

    /** What to do to the response of one forwarded request. */
    private enum Fault { NONE, CORRUPT, CUT, TRICKLE }

    /**
     * One forwarded request, as its response will need it. Damage and cuts are decided when the
     * response arrives, and only for an object's bytes (a 2xx body of at least one byte): a fault
     * spent on a 404's error document would change nothing the client can see, so a test counting
     * one retry per fault would depend on which GET the scheduler sent first.
     */
    private record Pending(boolean head, boolean get, boolean trickle) {}

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
        unavailable.set(0);
        corrupt.set(0);
        cut.set(0);
        outageUntil = 0;
        trickles.set(0);
    }

    /** The next {@code n} object GETs are answered 503 Slow Down by the proxy itself. */
    void answer503(int n) {
        unavailable.set(n);
    }

    /** Every object GET is answered 503 for the next {@code millis} (Long.MAX_VALUE: until reset). */
    void outage(long millis) {
        outageUntil = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + millis * 1_000_000;
    }

    /** The next {@code n} GETs of the object whose key ends with {@code key} send a byte every {@code millis}. */
    void trickle(String key, int n, long millis) {
        trickleKey = key;
        trickleMillis = millis;
        trickles.set(n);
    }

    /** The next {@code n} object GETs get one byte of their body flipped. */
    void corruptBodies(int n) {
        corrupt.set(n);
    }

    /** The next {@code n} object GETs have their connection closed half-way through the body. */
    void cutBodies(int n) {
        cut.set(n);
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
                BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
                start(() -> requests(client, upstream, pending));
                start(() -> responses(upstream, client, pending));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }

    /** Client to server, one request head at a time: count it, then forward it or answer it here. */
    private void requests(Socket client, Socket upstream, BlockingQueue<Pending> pending) {
        try (client; upstream) {
            InputStream in = new java.io.BufferedInputStream(client.getInputStream());
            OutputStream up = upstream.getOutputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                if (!endsHead(h)) {
                    continue;
                }
                head.reset();
                String first = new String(h, StandardCharsets.ISO_8859_1).split("\r\n")[0];
                String[] parts = first.split(" ");
                String path = parts[1].split("\\?")[0];
                int slash = path.indexOf('/', 1);
                boolean object = slash > 0 && slash < path.length() - 1;
                counts.computeIfAbsent(parts[0] + (object ? " object" : " bucket"), k -> new AtomicLong()).incrementAndGet();
                boolean get = object && parts[0].equals("GET");
                long until = outageUntil;
                boolean down = until != 0 && (until == Long.MAX_VALUE || System.nanoTime() < until);
                if (get && (down || unavailable.getAndUpdate(v -> Math.max(0, v - 1)) > 0)) {
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                String tk = trickleKey;
                boolean trickle = get && tk != null
                        && java.net.URLDecoder.decode(path, StandardCharsets.UTF_8).endsWith(tk)
                        && trickles.getAndUpdate(v -> Math.max(0, v - 1)) > 0;
                pending.add(new Pending(parts[0].equals("HEAD"), get, trickle));
                up.write(h);
                up.flush();
            }
        } catch (IOException e) {
            // connection ended
        }
    }

    /** Server to client, one response at a time (no pipelining): head, then Content-Length bytes of body. */
    private void responses(Socket upstream, Socket client, BlockingQueue<Pending> pending) {
        try (upstream; client) {
            InputStream in = new java.io.BufferedInputStream(upstream.getInputStream(), 65536);
            OutputStream out = client.getOutputStream();
            while (true) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    head.write(b);
                    if (endsHead(head.toByteArray())) {
                        break;
                    }
                }
                if (b < 0) {
                    return;
                }
                Pending p = pending.take();
                out.write(head.toByteArray());
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (!p.head() && h.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                    chunked(in, out); // error bodies: passed on as they are
                    continue;
                }
                long length = p.head() ? 0 : contentLength(h);
                Fault fault = fault(p, h, length);
                byte[] buf = new byte[65536];
                long half = length / 2;
                for (long done = 0; done < length; ) {
                    // Stop each chunk at the middle byte, the one a fault is done to.
                    long limit = done < half ? half - done : length - done;
                    int n = in.read(buf, 0, (int) Math.min(buf.length, Math.max(1, limit)));
                    if (n < 0) {
                        return;
                    }
                    if (done == half && fault == Fault.CUT) {
                        out.flush();
                        return; // closes both sockets: the client sees a body cut short
                    }
                    if (done == half && fault == Fault.CORRUPT) {
                        buf[0] ^= 0x01;
                    }
                    if (fault == Fault.TRICKLE) {
                        for (int i = 0; i < n; i++) { // a server that never stops but hardly sends
                            out.write(buf[i]);
                            out.flush();
                            Thread.sleep(trickleMillis);
                        }
                    } else {
                        out.write(buf, 0, n);
                    }
                    done += n;
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // connection ended
        }
    }

    /** What to do to this response: a trickle was chosen by its key, damage and cuts go to the next object bodies. */
    private Fault fault(Pending p, String head, long length) {
        if (p.trickle()) {
            return Fault.TRICKLE;
        }
        boolean bytes = p.get() && length > 0 && head.split(" ", 3)[1].startsWith("2");
        if (bytes && corrupt.getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
            return Fault.CORRUPT;
        }
        return bytes && cut.getAndUpdate(v -> Math.max(0, v - 1)) > 0 ? Fault.CUT : Fault.NONE;
    }

    /** Whether the bytes so far end with the blank line that ends an HTTP head. */
    private static boolean endsHead(byte[] h) {
        int n = h.length;
        return n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n';
    }

    private static void chunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String line = line(in, out);
            long size = Long.parseLong(line.split(";")[0].trim(), 16);
            for (long i = 0; i < size + 2; i++) { // the chunk and its CRLF
                out.write(in.read());
            }
            if (size == 0) {
                out.flush();
                return;
            }
        }
    }

    private static String line(InputStream in, OutputStream out) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            out.write(c);
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
