package dev.linkvault.ingest;

import dev.linkvault.repo.FilesystemProbe;
import dev.linkvault.repo.Repository;
import dev.linkvault.restore.PortableNames;
import dev.linkvault.source.Entry;
import dev.linkvault.RelPath;
import dev.linkvault.source.Sink;
import dev.linkvault.source.Source;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a first snapshot will meet, found out before it runs: the repository's filesystem (type,
 * hard links, one filesystem, free space), the open-file limit, and per source what a dry scan
 * finds (entries, bytes, what the catalog does not know yet, names a Windows/SMB target refuses).
 * Reads sources only; writes nothing to the repository but a probe file it removes.
 */
public final class Preflight {
    private static final Set<String> NETWORK_FS = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs",
            "9p", "ceph", "fuse.rclone", "davfs");
    private static final int EXAMPLES = 5;

    /** The repository's side. {@code linkProblem} is null when hard links work; sizes in bytes. */
    public record Place(Path repository, boolean exists, String fsType, String device, String linkProblem,
                        long usable, long openFilesSoft, long openFilesHard) {}

    /**
     * One source's dry scan. {@code toRead}/{@code toReadBytes}: files the catalog does not know
     * (at most this much is stored: identical contents are stored once).
     */
    public record SourceReport(String name, long dirs, long files, long bytes, long errors, long notes, long toRead,
                               long toReadBytes, long refusedNames, List<String> refusedExamples,
                               List<String> errorExamples, int workers, String workersReason, List<String> warnings) {}

    private Preflight() {}

    /** Looks at the repository's place; {@code probeDir}: a folder on its filesystem to probe hard links in. */
    public static Place place(Path repository, boolean exists, Path probeDir) throws IOException {
        Path existing = repository;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IOException("no folder of " + repository + " exists");
        }
        FileStore store = Files.getFileStore(existing);
        String problem;
        if (exists) {
            problem = FilesystemProbe.problem(repository.resolve(".data/tmp"), repository.resolve("snapshots"));
        } else {
            Path a = Files.createDirectories(probeDir.resolve("data/tmp"));
            Path b = Files.createDirectories(probeDir.resolve("snapshots"));
            problem = FilesystemProbe.problem(a, b);
        }
        long[] limits = openFileLimits();
        return new Place(repository, exists, store.type(), store.name(), problem, store.getUsableSpace(), limits[0],
                limits[1]);
    }

    /** The soft and hard limits on open files, from /proc/self/limits; -1 where unknown. */
    static long[] openFileLimits() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return new long[] {parse(f[0]), parse(f[1])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable
        }
        return new long[] {-1, -1};
    }

    private static long parse(String v) {
        return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
    }

    /** Scans one source as a snapshot would, without reading any content or writing anything. */
    public static SourceReport scan(Source source, Repository repo, String sourceType, Path readsFrom)
            throws IOException, InterruptedException {
        long[] n = new long[8];
        List<String> refused = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        source.scan(new Sink() {
            @Override
            public void entry(Entry e) {
                switch (e.type()) {
                    case DIR -> n[0]++;
                    case FILE -> {
                        n[1]++;
                        n[2] += e.size();
                        boolean known = repo != null && e.key() != null && repo.catalog()
                                .lookup(source.name(), e.key(), e.fingerprint(), source.keysArePaths()).isPresent();
                        if (!known && e.size() > 0) {
                            n[5]++;
                            n[6] += e.size();
                        }
                    }
                    case SYMLINK -> n[1]++;
                }
                String last = e.path().get(e.path().size() - 1);
                String why = PortableNames.problem(last);
                if (why != null) {
                    n[7]++;
                    if (refused.size() < EXAMPLES) {
                        refused.add(RelPath.display(e.path()) + " (" + why + ")");
                    }
                }
            }

            @Override
            public void error(List<String> path, String message) {
                n[3]++;
                if (errors.size() < EXAMPLES) {
                    errors.add(RelPath.display(path) + ": " + message);
                }
            }

            @Override
            public void note(List<String> path, String message) {
                n[4]++;
            }

            @Override
            public void warning(List<String> path, String message) {
                warnings.add(RelPath.display(path) + ": " + message);
            }
        });
        String[] w = suggestWorkers(sourceType, readsFrom);
        return new SourceReport(source.name(), n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], refused, errors,
                Integer.parseInt(w[0]), w[1], List.copyOf(warnings));
    }

    /** A worker count and the reason for it, from where the bytes are read. */
    static String[] suggestWorkers(String sourceType, Path readsFrom) {
        if (readsFrom == null) {
            return new String[] {"8", "the bytes come over the network (" + ("icloud".equals(sourceType) ? "iCloud"
                    : "S3") + "): requests wait on latency, 8 in"
                    + " parallel keep the link busy without crowding the server"};
        }
        try {
            FileStore store = Files.getFileStore(readsFrom);
            if (NETWORK_FS.contains(store.type())) {
                return new String[] {"8", readsFrom + " is on a network filesystem (" + store.type() + "): reads"
                        + " wait on latency, parallel reads hide it"};
            }
            Object dev = Files.getAttribute(readsFrom, "unix:dev");
            long d = ((Number) dev).longValue();
            long major = ((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffL);
            long minor = (d & 0xff) | ((d >> 12) & ~0xffL);
            Path sys = Path.of("/sys/dev/block/" + major + ":" + minor);
            Path rot = sys.resolve("queue/rotational");
            if (!Files.exists(rot)) {
                rot = sys.resolve("../queue/rotational");
            }
            if (Files.exists(rot)) {
                String disk = sys.toRealPath().getFileName().toString();
                String r = Files.readString(rot).trim();
                if (r.equals("1")) {
                    return new String[] {"2", readsFrom + " is on " + disk + ", which the kernel reports as a spinning"
                            + " disk (queue/rotational=1; virtual disks often say so too): parallel reads make a"
                            + " spinning disk seek"};
                }
                int cores = Runtime.getRuntime().availableProcessors();
                int w = Math.max(2, Math.min(8, 2 * cores));
                return new String[] {Integer.toString(w), readsFrom + " is on " + disk + ", which the kernel reports"
                        + " as solid-state: reads are cheap, hashing keeps " + cores + " cores busy"};
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return new String[] {"4", "the disk type of " + readsFrom + " could not be told (" + sourceType
                + "); 4 is the default, use 2 if it turns out to be a spinning disk"};
    }
}
