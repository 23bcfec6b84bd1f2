package dev.linkvault.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.source.icloud.FakeIcloud;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * For bench/icloud.sh: {@code serve FILES FOLDERS BYTES INFO} starts the fake iCloud service with a
 * Drive of FILES files of about BYTES each in FOLDERS folders, writes its endpoints, password and
 * the files' by_id paths to INFO, and serves until killed. {@code fetch SESSION_FILE INFO WORKERS OUT}
 * is the baseline: a plain parallel download of the same files (by_id, then GET of the URL) with
 * that many workers, each written to a file in OUT, with the web session linkvault saved.
 */
public final class IcloudFarm {
    private IcloudFarm() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
        } else {
            fetch(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
        }
    }

    static void serve(int files, int folders, int bytes, Path info) throws Exception {
        FakeIcloud apple = new FakeIcloud("bench@example.com", "bench password");
        List<String> lines = new ArrayList<>();
        lines.add(apple.authEndpoint());
        lines.add(apple.setupEndpoint());
        lines.add(apple.code);
        lines.add(apple.base());
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        String[] dirs = new String[folders];
        for (int d = 0; d < folders; d++) {
            String parent = d < 20 ? FakeIcloud.ROOT : dirs[d % 20];
            dirs[d] = apple.folder(parent, "folder " + d);
        }
        for (int i = 0; i < files; i++) {
            String id = apple.file(dirs[i % folders], "file " + i, "bin",
                    FakeIcloud.pseudoRandom("bench/" + i, bytes / 2 + (i * 7919) % bytes), t);
            String doc = id.substring(id.lastIndexOf("::") + 2);
            lines.add("/ws/com.apple.CloudDocs/download/by_id?document_id=" + doc);
        }
        Files.write(info, lines);
        Thread.currentThread().join();
    }

    static void fetch(Path sessionFile, Path info, int workers, Path out) throws Exception {
        JsonNode s = new ObjectMapper().readTree(Files.readString(sessionFile));
        StringBuilder cookie = new StringBuilder();
        for (JsonNode c : s.get("cookies")) {
            cookie.append(cookie.length() == 0 ? "" : "; ").append(c.get("name").asText()).append('=')
                    .append(c.get("value").asText());
        }
        String docws = s.get("docws").asText();
        List<String> paths = Files.readAllLines(info);
        List<String> byIds = paths.subList(4, paths.size());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        Files.createDirectories(out);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < byIds.size(); i++) {
            String p = byIds.get(i);
            Path to = out.resolve("f" + i);
            done.add(pool.submit(() -> {
                HttpResponse<byte[]> meta = http.send(HttpRequest.newBuilder(URI.create(docws + p))
                        .header("Cookie", cookie.toString()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                String url = json.readTree(meta.body()).path("data_token").path("url").asText();
                HttpResponse<InputStream> body = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = body.body()) {
                    Files.copy(in, to);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }
}
