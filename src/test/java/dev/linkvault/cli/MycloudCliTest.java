package dev.linkvault.cli;

import static dev.linkvault.source.mycloud.MycloudFixture.Layout.NONE;
import static dev.linkvault.source.mycloud.MycloudFixture.Layout.SHARDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.source.mycloud.MycloudFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MyCloud journey as a user makes it: preflight, init, snapshot, export to a share. */
class MycloudCliTest {
    @TempDir
    Path dir;
    Path config;
    Path vault;
    MycloudFixture dump;

    @BeforeEach
    void setUp() throws Exception {
        dump = new MycloudFixture(dir.resolve("disk"));
        String alice = dump.root("auth0|5e62c7d4aaaa");
        String bob = dump.root("auth0|5e62c7d4bbbb");
        String photos = dump.dir(alice, "Photos");
        dump.file(photos, "IMG_0001.jpg", "jpeg one", SHARDED, MycloudFixture.T0 - 3_600_000L);
        dump.file(photos, "IMG_0002.jpg", "jpeg two", SHARDED, null);
        dump.file(bob, "taxes.pdf", "pdf", SHARDED, null);
        dump.write("thumbnailonly", "tiny".getBytes(), SHARDED);
        vault = dir.resolve("vault");
        config = dir.resolve("mycloud.yaml");
        Files.writeString(config, "repository: " + vault + "\n"
                + "sources:\n"
                + "  - type: mycloud\n"
                + "    name: mycloud\n"
                + "    index-db: disk/restsdk/data/db/index.db\n"
                + "    files: disk/restsdk/data/files\n");
    }

    @Test
    void preflightSnapshotAndExportToAShare() throws Exception {
        dump.close();
        Cli pre = Cli.run("preflight", "-c", config.toString());
        assertEquals(0, pre.code(), pre.toString());
        assertTrue(pre.out().contains("not created yet: linkvault init " + vault), pre.out());
        assertTrue(pre.out().contains("hard links work"), pre.out());
        assertTrue(pre.out().contains("found      4 folders, 3 files, 19 B"), pre.out());
        assertTrue(pre.out().contains("to read    3 files, 19 B"), pre.out());
        assertTrue(pre.out().contains("names      2 that a Windows/SMB/exFAT target refuses"), pre.out());
        assertTrue(pre.out().contains("mycloud/auth0|5e62c7d4aaaa (holds '|')"), pre.out());
        assertTrue(pre.out().contains("  workers    "), pre.out());
        assertTrue(pre.out().strip().endsWith("ready"), pre.out());
        assertFalse(Files.exists(vault), "preflight creates nothing");
        try (var l = Files.list(dir)) {
            assertFalse(l.anyMatch(p -> p.getFileName().toString().startsWith(".linkvault-preflight")));
        }

        assertEquals(0, Cli.run("init", vault.toString()).code());
        Cli snap = Cli.run("-c", config.toString(), "snapshot", "--name", "2026-11-21", "--report-orphans");
        assertEquals(0, snap.code(), snap.toString());
        assertTrue(snap.err().contains("orphan: files/t/thumbnailonly (4 bytes): no row of index.db names it"), snap.err());
        assertTrue(snap.err().contains("1 orphans found"), snap.err());
        assertEquals("jpeg one", Files.readString(vault.resolve(
                "snapshots/2026-11-21/mycloud/auth0|5e62c7d4aaaa/Photos/IMG_0001.jpg")));

        Cli again = Cli.run("preflight", "-c", config.toString());
        assertTrue(again.out().contains("to read    0 files, 0 B the catalog does not know yet"), again.out());

        Path share = dir.resolve("share");
        Cli export = Cli.run("--repo", vault.toString(), "export", "2026-11-21:mycloud", "--to", share.toString(),
                "--sanitize-names");
        assertEquals(0, export.code(), export.toString());
        Path img = share.resolve("mycloud/auth0_5e62c7d4aaaa/Photos/IMG_0001.jpg");
        assertEquals("jpeg one", Files.readString(img));
        assertEquals(Instant.ofEpochMilli(MycloudFixture.T0 - 3_600_000L), Files.getLastModifiedTime(img).toInstant(),
                "the capture date, set on the copy");
        assertEquals("mycloud/auth0|5e62c7d4aaaa\tmycloud/auth0_5e62c7d4aaaa",
                Files.readAllLines(share.resolve("linkvault-renames.tsv")).get(0));
    }

    @Test
    void preflightNamesAProblemAndExitsOne() throws Exception {
        dump.close();
        Files.writeString(config, Files.readString(config).replace("data/files", "data/nofiles"));
        Cli pre = Cli.run("preflight", "-c", config.toString());
        assertEquals(1, pre.code(), pre.toString());
        assertTrue(pre.out().contains("  PROBLEM: files folder " + dir.resolve("disk/restsdk/data/nofiles")
                + " of source 'mycloud' does not exist; point 'files' at restsdk/data/files"), pre.out());
        assertTrue(pre.out().strip().endsWith("1 problem found"), pre.out());
    }

    @Test
    void missingBytesMakeExitOneAndNameTheFile() throws Exception {
        String lone = dump.root("auth0|third");
        dump.file(lone, "lost.mov", "never on disk", NONE, null);
        dump.close();
        assertEquals(0, Cli.run("init", vault.toString()).code());
        Cli snap = Cli.run("-c", config.toString(), "snapshot", "--name", "s1");
        assertEquals(1, snap.code(), snap.toString());
        assertTrue(snap.err().contains("error: mycloud/auth0|third/lost.mov: bytes missing"), snap.err());
    }

    @Test
    void badSettingsAreOneLineExitTwoAndNothingWritten() throws Exception {
        dump.close();
        assertEquals(0, Cli.run("init", vault.toString()).code());
        Files.writeString(config, Files.readString(config).replace("db/index.db", "db/nope.db"));
        Cli r = Cli.run("-c", config.toString(), "snapshot");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("nope.db does not exist; point it at restsdk/data/db/index.db"), r.err());

        Files.writeString(config, Files.readString(config).replace("db/nope.db", "db/index.db")
                + "    users: [carol]\n");
        r = Cli.run("-c", config.toString(), "snapshot");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("'carol' is not a user root of index.db; its user roots are: auth0|5e62c7d4aaaa,"
                + " auth0|5e62c7d4bbbb"), r.err());
        try (var l = Files.list(vault.resolve("snapshots"))) {
            assertEquals(0, l.count());
        }
    }
}
