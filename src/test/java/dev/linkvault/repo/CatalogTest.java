package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import dev.linkvault.VaultTest;
import dev.linkvault.source.local.LocalSource;
import dev.linkvault.source.PathFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The catalog under concurrent use: readers never change it, the writer commits on a clock. */
class CatalogTest extends VaultTest {
    private Path catalogFile() {
        return vault.resolve(".linkvault/catalog.sqlite");
    }

    private List<String> metaFiles() throws Exception {
        try (Stream<Path> s = Files.list(vault.resolve(".linkvault"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aReaderOpeningWhileAWriterHoldsAnOpenTransactionNeitherWaitsNorSetsTheCatalogAside() throws Exception {
        Fixtures.write(src, "a.txt", "alpha");
        snapshotAt(Instant.parse("2026-11-20T10:00:00Z"), "one", 1, new LocalSource("docs", src, PathFilter.of(List.of(), List.of())));
        repo.close();

        // Another writer holds uncommitted work (and a write lock) for longer than any timeout.
        try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + catalogFile())) {
            w.setAutoCommit(false);
            try (Statement st = w.createStatement()) {
                st.executeUpdate("INSERT INTO objects VALUES ('docs', '', 'x', 'fp', '" + BlobId.EMPTY + "')");
            }
            long start = System.nanoTime();
            try (Repository reader = Repository.openForReading(vault)) {
                List<Repository.SnapshotInfo> list = reader.snapshots();
                assertEquals(1, list.size());
                assertEquals(Repository.State.COMPLETE, list.get(0).state());
                assertEquals(1, list.get(0).summary().files());
                assertFalse(reader.catalog().writable(), "a reader's catalog is read-only");
            }
            assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "the reader did not wait for the writer");
            w.commit(); // the writer's work is still wanted, and still possible
        }
        assertTrue(metaFiles().stream().noneMatch(n -> n.contains("damaged")), metaFiles().toString());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalogFile());
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM objects WHERE name = 'x'")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1), "the writer's transaction committed after the reader had been");
        }
        repo = Repository.openForWriting(vault, "test", true);
    }

    @Test
    void aReaderLeavesTheCatalogFileByteForByteAsItWas() throws Exception {
        Fixtures.write(src, "a.txt", "alpha");
        snapshotAt(Instant.parse("2026-11-20T10:00:00Z"), "one", 1, new LocalSource("docs", src, PathFilter.of(List.of(), List.of())));
        repo.close();
        // The catalog has lost the snapshot's row: a reader reads the manifest and writes nothing back.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalogFile());
             Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM snapshots");
        }
        List<String> files = metaFiles();
        byte[] before = Files.readAllBytes(catalogFile());
        try (Repository reader = Repository.openForReading(vault)) {
            assertEquals(1, reader.snapshots().get(0).summary().files());
        }
        assertArrayEquals(before, Files.readAllBytes(catalogFile()));
        assertEquals(files, metaFiles(), "no journal, -wal or -shm made by a reader");
        repo = Repository.openForWriting(vault, "test", true);
    }

    @Test
    void theWriterCommitsWithinAboutASecondWithoutAnotherWrite() throws Exception {
        Catalog c = repo.catalog();
        c.remember("docs", "docs/a.txt", "fp1", BlobId.EMPTY, true);
        long deadline = System.currentTimeMillis() + 10_000;
        boolean seen = false;
        while (!seen && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            try (Catalog reader = Catalog.openForReading(catalogFile())) {
                seen = reader.lookup("docs", "docs/a.txt", "fp1", true).isPresent();
            }
        }
        assertTrue(seen, "a row remembered with no write after it became visible to a reader");
    }

    @Test
    void onlyTheWriterSetsADamagedCatalogAsideAndOnlyWhenSqliteSaysItIsDamaged() throws Exception {
        repo.close();
        Files.write(catalogFile(), "this is no database, just some text that is long enough".repeat(100).getBytes());
        try (Repository reader = Repository.openForReading(vault)) {
            assertEquals(List.of(), reader.snapshots());
        }
        assertTrue(metaFiles().stream().noneMatch(n -> n.contains("damaged")), "a reader sets nothing aside");
        repo = Repository.openForWriting(vault, "test", true);
        repo.catalog();
        assertTrue(metaFiles().stream().anyMatch(n -> n.startsWith("catalog.sqlite.damaged-")), metaFiles().toString());
        assertTrue(repo.catalog().rebuilt());
    }

    @Test
    void aWriterThatCannotOpenTheCatalogForAnotherReasonSaysSoAndLeavesItAlone() throws Exception {
        repo.close();
        Files.deleteIfExists(catalogFile());
        Files.createDirectory(catalogFile()); // not damage SQLite can name: cannot open
        repo = Repository.openForWriting(vault, "test", true);
        var e = assertThrows(dev.linkvault.UserError.class, () -> repo.catalog());
        assertTrue(e.getMessage().contains(catalogFile().toString()), e.getMessage());
        assertTrue(Files.isDirectory(catalogFile()));
        assertTrue(metaFiles().stream().noneMatch(n -> n.contains("damaged")));
        Files.delete(catalogFile());
    }
}
