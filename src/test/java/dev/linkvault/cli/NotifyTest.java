package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.linkvault.Fixtures;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notify: block against a real HTTP server on 127.0.0.1 (healthchecks.io's conventions) and a real command. */
class NotifyTest {
    @TempDir
    Path dir;
    HttpServer server;
    final List<String> pings = Collections.synchronizedList(new ArrayList<>());
    Path vault;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            pings.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + "\n" + body);
            int code = ex.getRequestURI().getPath().contains("broken") ? 500 : 200;
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        server.start();
        vault = dir.resolve("vault");
        Fixtures.write(dir, "src/a.txt", "alpha");
        assertEquals(0, Cli.run("init", vault.toString()).code());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Path config(String source, String check, Path out) throws Exception {
        Path c = dir.resolve("vault.yaml");
        Files.writeString(c, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: " + source + "}\n"
                + "notify:\n  healthchecks: http://127.0.0.1:" + server.getAddress().getPort() + "/" + check + "\n"
                + "  command: [sh, -c, 'echo \"$LINKVAULT_STATUS $LINKVAULT_EXIT_CODE $LINKVAULT_SNAPSHOT"
                + " $LINKVAULT_ERRORS\" > " + out + "']\n");
        return c;
    }

    @Test
    void aGoodNightPingsStartThenSuccessWithTheLogAndTellsTheCommand() throws Exception {
        Path out = dir.resolve("told.txt");
        Cli r = Cli.run("-c", config("src", "abc", out).toString(), "snapshot", "--name", "s1");
        assertEquals(0, r.code(), r.toString());
        assertEquals(2, pings.size(), pings.toString());
        assertEquals("POST /abc/start\n", pings.get(0));
        assertTrue(pings.get(1).startsWith("POST /abc\n") && pings.get(1).contains("snapshot s1 complete"), pings.toString());
        assertEquals("success 0 s1 0", Files.readString(out).strip());
    }

    @Test
    void aFailedNightPingsFailWithTheErrorLineAndAPingThatFailsChangesNothing() throws Exception {
        Path out = dir.resolve("told.txt");
        Cli r = Cli.run("-c", config("no-such-folder", "abc", out).toString(), "snapshot", "--name", "s1");
        assertEquals(2, r.code(), r.toString());
        assertEquals("POST /abc/start\n", pings.get(0));
        assertTrue(pings.get(1).startsWith("POST /abc/fail\n") && pings.get(1).contains("does not exist"), pings.toString());
        assertEquals("failed 2", Files.readString(out).strip());

        pings.clear();
        Cli broken = Cli.run("-c", config("src", "broken", out).toString(), "snapshot", "--name", "s2");
        assertEquals(0, broken.code(), "a failing ping never fails the backup: " + broken);
        assertTrue(broken.err().contains("the healthchecks ping") && broken.err().contains("HTTP 500"), broken.err());
        assertEquals(6, pings.size(), "three tries each for start and end: " + pings);
    }
}
