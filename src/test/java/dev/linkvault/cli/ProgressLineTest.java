package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressLineTest {
    @TempDir
    Path dir;

    @Test
    void theEtaFollowsTheRecentRateNotTheSlowStart() {
        // 10% in the first 50 s (a cold cache), then 2% a second: at 70% (t = 80 s) 15 s are left,
        // where the average since the start would promise 34 s
        ProgressLine.Eta eta = new ProgressLine.Eta(30);
        double left = -1;
        for (int t = 0; t <= 50; t++) {
            left = eta.secondsLeft(t, 0.1 * t / 50);
        }
        for (int step = 1; step <= 60; step++) {
            left = eta.secondsLeft(50 + step * 0.5, 0.1 + step * 0.01);
        }
        double naive = (1 - 0.7) * 80 / 0.7;
        assertEquals(15, left, 0.5, "the average since the start says " + naive);
        assertEquals(-1, new ProgressLine.Eta(30).secondsLeft(1, 0.2), 0.0, "no ETA in the first seconds");
    }

    @Test
    void theLineSaysTotalsErrorsAndFitsTheWidth() {
        ProgressLine p = new ProgressLine(new PrintWriter(new StringWriter()), false, "restore");
        p.total(50_004, 712_000_000);
        p.files.set(12_345);
        p.bytes.set(120_000_000);
        p.errors.set(3);
        String line = p.text();
        assertTrue(line.startsWith("restore: 12,345 / 50,004 files, 120 MB / 712 MB, "), line);
        assertTrue(line.contains(", 3 errors") && line.contains("%"), line);
        assertEquals(39, ProgressLine.fit(line, 40).length());
        assertTrue(ProgressLine.fit(line, 40).endsWith("…"));
        assertEquals("short", ProgressLine.fit("short", 40));
    }

    @Test
    void onANarrowTerminalTheLiveLineNeverWraps() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) for a pseudo-terminal");
        Path src = Files.createDirectory(dir.resolve("src"));
        for (int i = 0; i < 200; i++) {
            Fixtures.write(src, "d" + (i % 10) + "/file-with-a-long-name-" + i + ".txt", "content " + i);
        }
        Path vault = dir.resolve("vault");
        Path config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: " + src + "}\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
        assertEquals(0, Cli.run("-c", config.toString(), "snapshot", "--name", "s1").code());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "stty cols 40 rows 10; exec " + java + " -Dlinkvault.progress.delay=0 -cp "
                + System.getProperty("java.class.path") + " " + Main.class.getName() + " -c " + config + " restore s1 --to "
                + dir.resolve("out");
        Process p = new ProcessBuilder("script", "-qfec", cmd, "/dev/null").directory(dir.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), shown);
        assertTrue(shown.contains("restored 200 files"), shown);
        List<String> drawn = new ArrayList<>();
        for (String part : shown.split("\r\u001b\\[K")) {
            String first = part.split("[\r\n]")[0];
            if (first.startsWith("restore: ")) {
                drawn.add(first);
            }
        }
        assertTrue(!drawn.isEmpty(), "a live line was drawn: " + shown);
        for (String d : drawn) {
            assertTrue(d.codePointCount(0, d.length()) < 40, "fits 40 columns: " + d);
        }
    }
}
