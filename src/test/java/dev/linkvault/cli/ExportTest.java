package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportTest {
    private static final Instant OLD = Instant.parse("2015-07-08T09:10:11Z");
    @TempDir
    Path dir;
    Path vault;
    Path src;

    @BeforeEach
    void snapshot() throws IOException {
        src = Files.createDirectory(dir.resolve("src"));
        Fixtures.write(src, "Photos | 2019/beach.jpg", "sand", OLD);
        Fixtures.write(src, "Photos | 2019/Beach.JPG", "more sand", OLD);
        Fixtures.write(src, "notes: todo?.txt", "todo", OLD);
        Fixtures.write(src, "CON.txt", "device name", OLD);
        Fixtures.write(src, "trailing.", "dot", OLD);
        Fixtures.write(src, "plain.txt", "plain", OLD);
        vault = dir.resolve("vault");
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: src}\n");
        assertEquals(0, Cli.run("init", vault.toString()).code());
        Cli snap = Cli.run("-c", config.toString(), "snapshot", "--name", "s1");
        assertEquals(0, snap.code(), snap.toString());
    }

    private Cli export(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--repo", vault.toString(), "export"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void anExportIsAnIndependentCopyWithMtimesAndARerunSkipsWhatIsThere() throws Exception {
        Path out = dir.resolve("nas");
        Cli first = export("s1:docs", "--to", out.toString());
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().startsWith("exported 6 files"), first.out());
        Path beach = out.resolve("docs/Photos | 2019/beach.jpg");
        assertEquals("sand", Files.readString(beach));
        assertEquals(1, Fixtures.links(beach), "no hard link into the repository");
        assertNotEquals(Fixtures.inode(beach), Fixtures.inode(vault.resolve("snapshots/s1/docs/Photos | 2019/beach.jpg")));
        assertEquals(OLD, Files.getLastModifiedTime(beach).toInstant());

        Cli again = export("s1:docs", "--to", out.toString());
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().startsWith("exported 0 files (0 B), 6 already there"), again.out());

        // A file cut short by an interrupted copy elsewhere, or changed on the target: written again.
        Files.writeString(out.resolve("docs/plain.txt"), "pl");
        Files.setLastModifiedTime(out.resolve("docs/notes: todo?.txt"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Cli third = export("s1:docs", "--to", out.toString());
        assertTrue(third.out().startsWith("exported 2 files"), third.out());
        assertEquals("plain", Files.readString(out.resolve("docs/plain.txt")));
        assertEquals(OLD, Files.getLastModifiedTime(out.resolve("docs/notes: todo?.txt")).toInstant());
    }

    @Test
    void sanitizeNamesGivesNamesWindowsTakesTellsApartCaseTwinsAndListsEveryRename() throws Exception {
        Path out = dir.resolve("smb");
        Cli first = export("s1", "--to", out.toString(), "--sanitize-names");
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("; 5 renamed, listed in " + out.resolve("linkvault-renames.tsv")), first.out());
        assertEquals("more sand", Files.readString(out.resolve("docs/Photos _ 2019/Beach.JPG")));
        assertEquals("sand", Files.readString(out.resolve("docs/Photos _ 2019/beach~2.jpg")),
                "differs only by case from a name met before it: told apart");
        assertEquals("todo", Files.readString(out.resolve("docs/notes_ todo_.txt")));
        assertEquals("device name", Files.readString(out.resolve("docs/_CON.txt")));
        assertEquals("dot", Files.readString(out.resolve("docs/trailing_")));
        assertEquals(OLD, Files.getLastModifiedTime(out.resolve("docs/Photos _ 2019/beach~2.jpg")).toInstant());
        List<String> map = Files.readAllLines(out.resolve("linkvault-renames.tsv"));
        assertEquals(List.of("docs/CON.txt\tdocs/_CON.txt", "docs/Photos | 2019\tdocs/Photos _ 2019",
                "docs/Photos | 2019/beach.jpg\tdocs/Photos _ 2019/beach~2.jpg", "docs/notes: todo?.txt\tdocs/notes_ todo_.txt",
                "docs/trailing.\tdocs/trailing_"), map.stream().sorted().toList());
        try (var files = Files.walk(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("|")));
        }

        Cli again = export("s1", "--to", out.toString(), "--sanitize-names");
        assertTrue(again.out().startsWith("exported 0 files (0 B), 6 already there"), again.out());
        assertEquals(map, Files.readAllLines(out.resolve("linkvault-renames.tsv")), "the same names every time");
    }

    @Test
    void manyFilesCopiedAtOnceAllArriveWithTheirMtimes() throws Exception {
        Path many = Files.createDirectory(dir.resolve("many"));
        for (int i = 0; i < 300; i++) {
            Fixtures.write(many, "d" + (i % 7) + "/sub" + (i % 3) + "/f" + i + ".txt", "content " + i,
                    OLD.plusSeconds(i * 60L));
        }
        Path config = dir.resolve("many.yaml");
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: many, path: many}\n");
        assertEquals(0, Cli.run("-c", config.toString(), "snapshot", "--name", "m").code());
        Path out = dir.resolve("share");
        Cli r = export("m", "--to", out.toString(), "--workers", "8", "--sanitize-names");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("exported 300 files"), r.out());
        for (int i = 0; i < 300; i++) {
            Path f = out.resolve("many/d" + (i % 7) + "/sub" + (i % 3) + "/f" + i + ".txt");
            assertEquals("content " + i, Files.readString(f));
            assertEquals(OLD.plusSeconds(i * 60L), Files.getLastModifiedTime(f).toInstant());
        }
        Cli again = export("m", "--to", out.toString(), "--workers", "8", "--sanitize-names");
        assertTrue(again.out().startsWith("exported 0 files (0 B), 300 already there"), again.out());
    }

    @Test
    void aSnapshotThatDoesNotExistIsOneLineExitTwo() {
        Cli r = export("nope", "--to", dir.resolve("x").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
