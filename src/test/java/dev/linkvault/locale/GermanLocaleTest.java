package dev.linkvault.locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.ChildJvm;
import dev.linkvault.Fixtures;
import dev.linkvault.cli.Main;
import dev.linkvault.repo.BlobId;
import dev.linkvault.repo.Repository;
import java.io.ByteArrayInputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filesystem decisions (link limit, two filesystems) under a German locale, where the
 * operating system's error texts are German ("Zu viele Links", "Ungültiger Link über
 * Gerätegrenzen hinweg"): linkvault decides from the filesystem, so the outcome is the same.
 */
class GermanLocaleTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needsTheLocale() {
        Assumptions.assumeTrue(ChildJvm.hasGermanLocale(), "no de_DE.UTF-8 locale here (localedef -i de_DE -f UTF-8 de_DE.UTF-8)");
    }

    @Test
    void theErrorsReallyAreGermanInTheChild() throws Exception {
        ChildJvm.Run r = ChildJvm.run(dir, ChildJvm.GERMAN, PrintReason.class, dir.toString());
        assertTrue(r.out().contains("Ist ein Verzeichnis"), "the locale is in force: " + r);
    }

    @Test
    void aRepositorySplitOverTwoFilesystemsIsReportedAsSplitNotAsWithoutHardLinks() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
                "needs a second filesystem at /dev/shm");
        Path vault = dir.resolve("vault");
        Repository.init(vault);
        Path elsewhere = Files.createTempDirectory(shm, "linkvault-test-");
        try {
            Files.delete(vault.resolve("snapshots"));
            Files.createSymbolicLink(vault.resolve("snapshots"), elsewhere);
            Fixtures.write(dir, "src/a.txt", "alpha");
            Path config = dir.resolve("vault.yaml");
            Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: src}\n");
            ChildJvm.Run r = ChildJvm.run(dir, ChildJvm.GERMAN, Main.class, "-c", config.toString(), "snapshot");
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("are on different filesystems"), r.toString());
        } finally {
            Repository.deleteTree(elsewhere);
        }
    }

    @Test
    void pastTheLinkLimitAnOverflowCopyIsMadeUnderAGermanLocaleToo() throws Exception {
        Path vault = dir.resolve("vault");
        Repository.init(vault);
        ChildJvm.Run r = ChildJvm.run(dir, ChildJvm.GERMAN, LinkPastTheLimit.class, vault.toString());
        Assumptions.assumeFalse(r.out().contains("no small link limit"), "this filesystem has no small link limit");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("limit reached:"), r.toString());
        assertTrue(r.out().contains("linked past the limit to copy 1"), r.toString());
    }

    /** Prints the operating system's reason for a failure, in the child's locale. */
    public static final class PrintReason {
        public static void main(String[] args) {
            try {
                Files.readAllBytes(Path.of(args[0])); // a folder
            } catch (java.io.IOException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    /** Fills one blob's links to the filesystem's limit, then links it once more through the store. */
    public static final class LinkPastTheLimit {
        public static void main(String[] args) throws Exception {
            try (Repository repo = Repository.openForWriting(Path.of(args[0]), "test", false)) {
                BlobId id = repo.blobs().put(new ByteArrayInputStream("popular".getBytes()), Instant.EPOCH).id();
                Path links = Files.createDirectory(repo.snapshotsDir().resolve("many"));
                Path primary = repo.blobs().path(id);
                for (int made = 0; ; made++) {
                    try {
                        Files.createLink(links.resolve("l" + made), primary);
                    } catch (FileSystemException e) {
                        System.out.println("limit reached: " + e.getReason());
                        break;
                    }
                    if (made > 200_000) {
                        System.out.println("no small link limit");
                        return;
                    }
                }
                repo.blobs().link(id, links.resolve("one-more"));
                Object ino = Files.getAttribute(links.resolve("one-more"), "unix:ino");
                if (ino.equals(Files.getAttribute(repo.blobs().copyPath(id, 1), "unix:ino"))) {
                    System.out.println("linked past the limit to copy 1");
                }
                Repository.deleteTree(links);
            }
        }
    }
}
