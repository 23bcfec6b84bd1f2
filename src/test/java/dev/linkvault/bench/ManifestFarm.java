package dev.linkvault.bench;

import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.Repository;
import dev.linkvault.repo.SnapshotSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * For bench/history.sh: a repository of SNAPSHOTS snapshots of one source of FILES files each,
 * made of real manifests (written by linkvault's own writer, with their indexes) and empty trees,
 * because 300 trees of a million hard links would take hours to make and are not what history,
 * ls or a one-path look-up read. One file, {@code src/d050/e050/f0505050.bin} when FILES allows,
 * changes content every 30 snapshots; the rest stay as they were. The first manifest of each such
 * group is written line by line; the others of the group are its copy with their own last member
 * (the end line with their own summary) and their own index, which is what the writer would have
 * written for the same lines, in a fraction of the time.
 *
 * <p>Usage: ManifestFarm REPO FILES SNAPSHOTS [FILES_PER_FOLDER (default 100)]; prints the changing file's path.
 */
public final class ManifestFarm {
    public static void main(String[] args) throws Exception {
        Path repoDir = Path.of(args[0]);
        int files = Integer.parseInt(args[1]);
        int snapshots = Integer.parseInt(args[2]);
        int per = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        Repository.init(repoDir);
        int tracked = Math.min(files - 1, 505050);
        System.out.println(dirOf(tracked, per) + "/f" + pad(tracked, 7) + ".bin");
        try (Repository repo = Repository.openForWriting(repoDir, "bench", true)) {
            Instant day0 = Instant.parse("2026-01-01T03:00:00Z");
            Path groupFirst = null;
            for (int s = 0; s < snapshots; s++) {
                String name = String.format("s%04d", s);
                Instant started = day0.plusSeconds(86_400L * s);
                Files.createDirectories(repo.tree(name));
                Path tmp = repo.manifestsDir().resolve(name + ".tsv.gz.tmp");
                SnapshotSummary summary = new SnapshotSummary(name, started.toString(), started.plusSeconds(60).toString(),
                        60_000, files, files / 100 + files / 10000 + 1, 0, 4_000L * files, 0, 0, 0, 0, 0, false, false, null);
                if (s % 30 == 0) {
                    write(tmp, files, per, tracked, s, started, summary);
                    groupFirst = repo.manifest(name);
                } else {
                    copyWithSummary(groupFirst, tmp, summary);
                }
                repo.publishManifest(name, tmp);
                repo.cacheSummary(name, summary); // as a snapshot run leaves it
                if (s % 25 == 0) {
                    System.err.println("manifest " + (s + 1) + " of " + snapshots);
                }
            }
        }
    }

    private static String dirOf(int i, int per) {
        return "src/d" + pad(i / (per * 100), 3) + "/e" + pad(i / per % 100, 3);
    }

    private static void write(Path tmp, int files, int per, int tracked, int s, Instant started, SnapshotSummary summary)
            throws java.io.IOException {
        try (Manifest.Writer w = new Manifest.Writer(tmp)) {
            Instant old = Instant.parse("2025-06-01T12:00:00Z");
            w.item(new Manifest.Item(Manifest.Type.DIR, 0755, 0, old, null, "src", null));
            for (int i = 0; i < files; i++) {
                String e = dirOf(i, per);
                String d = e.substring(0, e.lastIndexOf('/'));
                if (i % (per * 100) == 0) {
                    w.item(new Manifest.Item(Manifest.Type.DIR, 0755, 0, old, null, d, null));
                }
                if (i % per == 0) {
                    w.item(new Manifest.Item(Manifest.Type.DIR, 0755, 0, old, null, e, null));
                }
                int version = i == tracked ? s / 30 : 0;
                Instant mtime = version == 0 ? old : started.minusSeconds(3600);
                w.item(new Manifest.Item(Manifest.Type.FILE, 0644, 1000 + i % 7000 + version, mtime,
                        sha1(i, version), e + "/f" + pad(i, 7) + ".bin", null));
            }
            w.finish(summary);
        }
    }

    /** {@code from}'s members but the last, then a last member whose end line carries {@code summary}. */
    private static void copyWithSummary(Path from, Path to, SnapshotSummary summary) throws java.io.IOException {
        String[] idx = Files.readString(Manifest.Writer.indexOf(from)).split("\n");
        String[] head = idx[0].split("\t");
        long last = Long.parseLong(head[3]);
        byte[] all = Files.readAllBytes(from);
        String lastMember;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(all, (int) last, all.length - (int) last))) {
            lastMember = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        lastMember = lastMember.substring(0, lastMember.indexOf("#end\t")) + "#end\t" + summary.toJson() + "\n";
        var out = new java.io.ByteArrayOutputStream(all.length);
        out.write(all, 0, (int) last);
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(lastMember.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Files.write(to, out.toByteArray());
        idx[0] = head[0] + "\t" + head[1] + "\t" + out.size() + "\t" + last;
        Files.writeString(Manifest.Writer.indexOf(to), String.join("\n", idx) + "\n");
    }

    private static String sha1(int i, int version) {
        String h = Long.toHexString((long) i * 2654435761L + version) + Integer.toHexString(i) + "v" + version;
        return (h + "0".repeat(40)).substring(0, 40).replace('v', 'a');
    }

    private static String pad(int n, int width) {
        String s = Integer.toString(n);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
