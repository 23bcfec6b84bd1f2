package dev.linkvault.web;

import dev.linkvault.RelPath;
import dev.linkvault.repo.Manifest;
import dev.linkvault.repo.ManifestIndex;
import dev.linkvault.repo.Repository;
import dev.linkvault.restore.Dumper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The bytes of snapshot files for the browser: content types, the file on disk (never through a symlink), zips. */
final class Downloads {
    private Downloads() {}

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("bmp", "image/bmp"),
            Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"), Map.entry("md", "text/plain"),
            Map.entry("csv", "text/plain"), Map.entry("log", "text/plain"), Map.entry("json", "text/plain"),
            Map.entry("xml", "text/plain"), Map.entry("yaml", "text/plain"), Map.entry("yml", "text/plain"),
            Map.entry("mp4", "video/mp4"), Map.entry("mov", "video/quicktime"), Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("m4a", "audio/mp4"), Map.entry("wav", "audio/wav"),
            Map.entry("zip", "application/zip"));

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * The type a file is sent with. What a browser would run (HTML, SVG, scripts) is never sent
     * as such: a file from a backup is data, not a page of this site.
     */
    static String contentType(String name) {
        String t = TYPES.get(extension(name));
        return t == null ? "application/octet-stream" : t.equals("text/plain") ? "text/plain; charset=utf-8" : t;
    }

    /** "image", "pdf" or "text" when the file page can show it, else null. */
    static String preview(String name) {
        String t = TYPES.getOrDefault(extension(name), "");
        return t.startsWith("image/") ? "image" : t.equals("application/pdf") ? "pdf" : t.equals("text/plain") ? "text" : null;
    }

    /**
     * The file's place in the snapshot tree: a regular file (not a symlink) whose folder lies
     * inside the tree; else a {@link Site.NotFound}. The manifest said it is a file; this makes
     * sure the tree agrees, so nothing outside the snapshot is ever sent.
     */
    static Path onDisk(Repository repo, String snapshot, RelPath path) throws IOException {
        Path tree = repo.tree(snapshot);
        Path f = inTree(tree, tree.toRealPath(), path);
        if (f == null) {
            throw new Site.NotFound(snapshot + ":" + path + " is not a file in the snapshot's tree");
        }
        return f;
    }

    /** {@code path} under {@code tree} when it is a regular file whose folder resolves inside the tree, else null. */
    private static Path inTree(Path tree, Path realTree, RelPath path) throws IOException {
        Path f = path.under(tree);
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && f.getParent().toRealPath().startsWith(realTree) ? f : null;
    }

    /** A Content-Disposition value with the name in both forms (RFC 6266). */
    static String disposition(String kind, String name) {
        String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
        return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + Html.seg(name);
    }

    /**
     * Writes the folder {@code base} of {@code snapshot} as a zip: its files (each checked against
     * its SHA-1 as it goes; a damaged one stops the zip, which then arrives cut short), folders,
     * mtimes. Symlinks are left out (zip has no portable form of them).
     */
    static void zip(Repository repo, String snapshot, RelPath base, OutputStream to) throws IOException {
        Path tree = repo.tree(snapshot);
        Path realTree = tree.toRealPath();
        int strip = base.isRoot() ? 0 : base.depth() - 1;
        // Not closed when a file fails: closing would write the zip's directory, and a cut-short
        // zip must look cut short.
        ZipOutputStream zip = new ZipOutputStream(to);
        {
            zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
            repo.readManifest(snapshot, base, ManifestIndex.Scope.SUBTREE, it -> {
                RelPath p = RelPath.parse(it.path());
                String entry = String.join("/", p.parts().subList(strip, p.depth()));
                if (entry.isEmpty() || it.type() == Manifest.Type.SYMLINK) {
                    return;
                }
                ZipEntry e = new ZipEntry(it.type() == Manifest.Type.DIR ? entry + "/" : entry);
                e.setLastModifiedTime(FileTime.from(it.mtime()));
                zip.putNextEntry(e);
                if (it.type() == Manifest.Type.FILE) {
                    Path f = inTree(tree, realTree, p);
                    if (f == null) {
                        throw new IOException(it.path() + " is not a file in the snapshot's tree");
                    }
                    Dumper.copyChecked(f, it, zip);
                }
                zip.closeEntry();
            });
            zip.finish();
        }
    }
}
