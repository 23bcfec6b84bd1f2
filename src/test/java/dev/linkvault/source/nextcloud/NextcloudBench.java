package dev.linkvault.source.nextcloud;

import dev.linkvault.config.SourceConfig;
import dev.linkvault.ingest.ProgressListener;
import dev.linkvault.ingest.Snapshotter;
import dev.linkvault.repo.Repository;
import dev.linkvault.s3.S3Clients;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The benchmark behind bench/nextcloud.sh (not a test): against S3Proxy on loopback,
 * (1) the first snapshot of OBJECTS objects of mixed sizes, against a plain parallel GET of the
 * same objects to nowhere, in the same run; (2) an unchanged re-run of ROWS rows, its S3
 * requests counted at the wire and its time against {@code cp -al} of the tree it made.
 * Prints markdown table rows.
 */
public final class NextcloudBench {
    private NextcloudBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int objects = Integer.parseInt(args[1]);
        int rows = Integer.parseInt(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int workers = 8;
        S3Proxy server = S3Proxy.builder().blobStore(new TransientNio2BlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench", "bench-secret").build();
        server.start();
        while (!"STARTED".equals(server.getState())) {
            Thread.sleep(10);
        }
        Files.writeString(work.resolve("access"), "bench");
        Files.writeString(work.resolve("secret"), "bench-secret");
        try (CountingProxy wire = new CountingProxy(server.getPort())) {
            String direct = "http://127.0.0.1:" + server.getPort();
            String counted = "http://127.0.0.1:" + wire.port();

            // (1) first snapshot vs plain parallel GETs, alternating, ROUNDS of each (medians): each
            // snapshot into a vault of its own, none deleted before the end (file creation right after
            // a large deletion is slower on ext4 without a journal: bench/lib.sh, settle_deletions)
            long bytes = fill(work, direct, "mixed", objects, true);
            S3Client s3 = S3Clients.create(s3(work, direct, "mixed"), workers);
            List<Double> gets = new ArrayList<>();
            List<Double> toFiles = new ArrayList<>();
            List<Double> firsts = new ArrayList<>();
            long t0;
            for (int round = 0; round < rounds; round++) {
                t0 = System.nanoTime();
                plainGets(s3, "mixed", objects, workers, null);
                gets.add((System.nanoTime() - t0) / 1e9);
                Path files = Files.createDirectories(work.resolve("files-" + round));
                t0 = System.nanoTime();
                plainGets(s3, "mixed", objects, workers, files);
                toFiles.add((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                snapshot(work.resolve("vault-mixed-" + round), work, direct, "mixed", workers, "first"); // as the baseline: no proxy
                firsts.add((System.nanoTime() - t0) / 1e9);
            }
            double get = median(gets);
            double toFile = median(toFiles);
            double first = median(firsts);
            System.out.printf(Locale.ROOT, "| first snapshot | %d objects, %.0f MB | plain parallel GET %.1f s | linkvault %.1f s"
                    + " | %.2f (goal >= 0.7) |%n", objects, bytes / 1e6, get, first, get / first);
            System.out.printf(Locale.ROOT, "| first snapshot | the same | parallel GET into a file each (no hash, no sync) %.1f s"
                    + " | linkvault %.1f s | %.2f |%n", toFile, first, toFile / first);
            System.err.printf(Locale.ROOT, "rounds: GET %s; GET into files %s; snapshot %s%n", seconds(gets), seconds(toFiles),
                    seconds(firsts));

            // (2) unchanged re-run of many rows
            fill(work, direct, "rows", rows, false);
            Path vault = work.resolve("vault-rows");
            snapshot(vault, work, counted, "rows", workers, "first");
            wire.reset();
            t0 = System.nanoTime();
            snapshot(vault, work, counted, "rows", workers, "again");
            double again = (System.nanoTime() - t0) / 1e9;
            long requests = wire.total();
            t0 = System.nanoTime();
            Process cp = new ProcessBuilder("cp", "-al", vault.resolve("snapshots/first").toString(),
                    work.resolve("cp-al").toString()).inheritIO().start();
            if (cp.waitFor() != 0) {
                throw new IllegalStateException("cp -al failed");
            }
            double cpal = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "| unchanged re-run | %d rows | cp -al %.1f s | linkvault %.1f s, %d S3 requests"
                    + " | %.2f (goal <= 2, requests 0 + 1 bucket check) |%n", rows, cpal, again, requests, again / cpal);
            s3.close();
        } finally {
            server.stop();
        }
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        java.util.Collections.sort(sorted);
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static String seconds(List<Double> xs) {
        return String.join(" ", xs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
    }

    private static SourceConfig.S3 s3(Path work, String endpoint, String bucket) {
        return new SourceConfig.S3(endpoint, "us-east-1", bucket, true, new SourceConfig.Secret(null, work.resolve("access")),
                new SourceConfig.Secret(null, work.resolve("secret")), "urn:oid:", false, 64, SourceConfig.Secret.NONE);
    }

    /** A bucket and a SQLite Nextcloud with {@code n} files of user alice; returns the bytes stored. */
    private static long fill(Path work, String endpoint, String bucket, int n, boolean mixed) throws Exception {
        S3Client s3 = S3Clients.create(s3(work, endpoint, bucket), 8);
        s3.createBucket(b -> b.bucket(bucket));
        Random r = new Random(1);
        long total = 0;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> puts = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + work.resolve(bucket + ".db"))) {
            c.setAutoCommit(false);
            NextcloudFixture.createTables(c, "jdbc:sqlite:");
            c.createStatement().execute("INSERT INTO oc_storages(id) VALUES ('object::user:alice')");
            c.createStatement().execute("INSERT INTO oc_mimetypes(mimetype) VALUES ('httpd/unix-directory')");
            c.createStatement().execute("INSERT INTO oc_mimetypes(mimetype) VALUES ('application/octet-stream')");
            NextcloudFixture.row(c, 1, "files", 1, 0, 1600000000, null);
            for (int d = 0; d < (n + 999) / 1000; d++) {
                NextcloudFixture.row(c, 1, "files/d" + d, 1, 0, 1600000000, null);
            }
            for (int i = 0; i < n; i++) {
                int size = !mixed ? 100 : i % 100 == 0 ? 4_000_000 + r.nextInt(1_000_000)
                        : i % 10 == 0 ? 200_000 + r.nextInt(600_000) : 10_000 + r.nextInt(30_000);
                byte[] b = new byte[size];
                r.nextBytes(b);
                total += size;
                long id = NextcloudFixture.row(c, 1, "files/d" + (i / 1000) + "/f" + i, 2, size, 1600000000 + i, null);
                puts.add(pool.submit(() -> s3.putObject(p -> p.bucket(bucket).key("urn:oid:" + id), RequestBody.fromBytes(b))));
                if (puts.size() >= 64) {
                    for (Future<?> f : puts) {
                        f.get();
                    }
                    puts.clear();
                }
            }
            for (Future<?> f : puts) {
                f.get();
            }
            c.commit();
        } finally {
            pool.shutdown();
            s3.close();
        }
        return total;
    }

    /** GETs every object on {@code workers} threads: into nothing, or with {@code into} each into a file of its own there. */
    private static void plainGets(S3Client s3, String bucket, int n, int workers, Path into) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<?>> gets = new ArrayList<>();
        // fileids: 1 root, then one per folder, then the files, in the order fill() made them
        long firstFile = 2 + (n + 999) / 1000;
        for (long id = firstFile; id < firstFile + n; id++) {
            long key = id;
            gets.add(pool.submit(() -> {
                try (InputStream in = s3.getObject(g -> g.bucket(bucket).key("urn:oid:" + key))) {
                    if (into == null) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    } else {
                        Files.copy(in, into.resolve(Long.toString(key)));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : gets) {
            f.get();
        }
        pool.shutdown();
    }

    private static void snapshot(Path vault, Path work, String endpoint, String bucket, int workers, String name)
            throws Exception {
        if (!Files.exists(vault)) {
            Repository.init(vault);
        }
        SourceConfig.Nextcloud cfg = new SourceConfig.Nextcloud("nc", new SourceConfig.Database(
                "jdbc:sqlite:" + work.resolve(bucket + ".db"), null, SourceConfig.Secret.NONE, "oc_"),
                s3(work, endpoint, bucket), List.of(new SourceConfig.Mapping("alice", null, "files/", "alice", List.of(),
                List.of(), List.of(), List.of())));
        try (Repository repo = Repository.openForWriting(vault, "bench", true);
             NextcloudSource source = new NextcloudSource(cfg, () -> S3Clients.create(cfg.s3(), workers))) {
            Snapshotter.Result r = new Snapshotter(repo, Clock.system(ZoneOffset.UTC), new ProgressListener() { })
                    .run(List.of(source), new Snapshotter.Options(name, "yyyy-MM-dd", ZoneOffset.UTC, workers),
                            new AtomicBoolean());
            if (r.summary().errors() > 0) {
                throw new IllegalStateException("the benchmark snapshot had errors");
            }
        }
    }
}
