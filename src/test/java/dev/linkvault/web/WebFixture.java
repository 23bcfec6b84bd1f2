package dev.linkvault.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.linkvault.Fixtures;
import dev.linkvault.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A vault as the web pages meet one: two snapshots of a source with nested folders, a picture,
 * a PDF, a text file that changed between them, an HTML file, and a symlink that points outside.
 */
final class WebFixture {
    final Path vault;
    final Path src;
    final Path config;
    static final String V1 = "notes, first version\n";
    static final String V2 = "notes, second version, longer\n";

    WebFixture(Path dir) throws IOException {
        src = Files.createDirectories(dir.resolve("src"));
        vault = dir.resolve("vault");
        config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: " + src + "}\n");
        Fixtures.write(src, "notes.txt", V1, Instant.parse("2026-03-01T10:00:00Z"));
        Fixtures.write(src, "tax/2025/return.pdf", "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                + "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
                Instant.parse("2026-03-15T09:30:00Z"));
        Fixtures.write(src, "deep/er/still/file with space.txt", "deep down\n");
        Fixtures.write(src, "page.html", "<script>alert('from the backup')</script>\n");
        Files.write(src.resolve("cat.png"), png());
        Files.createSymbolicLink(src.resolve("outside"), Path.of("/etc/passwd"));
        run(0, "init", vault.toString());
        run(0, "-c", config.toString(), "snapshot", "--name", "s1");
        Fixtures.write(src, "notes.txt", V2, Instant.parse("2026-04-01T10:00:00Z"));
        Fixtures.write(src, "new/added.txt", "added in s2\n");
        run(0, "-c", config.toString(), "snapshot", "--name", "s2");
    }

    /** A real 8x8 PNG. */
    static byte[] png() throws IOException {
        var img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 8; y++) {
                img.setRGB(x, y, (x + y) % 2 == 0 ? 0xff8800 : 0x224488);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static String run(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(expected, code, String.join(" ", args) + "\n" + out + err);
        return out.toString();
    }

    WebServer start(Path usersFile) throws Exception {
        WebServer s = new WebServer(vault, new WebServer.Options("127.0.0.1", 0, usersFile, null));
        s.start();
        return s;
    }
}
