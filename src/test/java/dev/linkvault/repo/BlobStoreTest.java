package dev.linkvault.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    private static final Instant T1 = Instant.parse("2020-01-02T03:04:05Z");
    @TempDir
    Path dir;
    Repository repo;
    BlobStore blobs;

    @BeforeEach
    void open() {
        Repository.init(dir.resolve("vault"));
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        blobs = repo.blobs();
    }

    @AfterEach
    void close() throws IOException {
        repo.close();
    }

    private static ByteArrayInputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFanOutFolderReplacedWhileOpenIsStillLinkedFrom() throws Exception {
        BlobStore.Put put = blobs.put(bytes("linked twice\n"), T1);
        Path fan = blobs.path(put.id()).getParent();
        assertTrue(blobs.intact(put.id(), put.size())); // opens the fan-out folder (with the native helper)
        blobs.link(put.id(), dir.resolve("first"));
        // the folder swapped for another: the one held open lacks the blob, the path has it
        Path moved = dir.resolve("moved-fan-out");
        Files.move(fan, moved);
        Files.createDirectories(fan);
        Files.createLink(blobs.path(put.id()), moved.resolve(blobs.path(put.id()).getFileName()));
        Files.delete(moved.resolve(blobs.path(put.id()).getFileName())); // not in the folder held open
        assertTrue(blobs.intact(put.id(), put.size()));
        assertFalse(blobs.intact(put.id(), put.size() + 1));
        blobs.link(put.id(), dir.resolve("second"));
        assertEquals("linked twice\n", Files.readString(dir.resolve("second")));
        assertEquals(Fixtures.inode(blobs.path(put.id())), Fixtures.inode(dir.resolve("second")));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> blobs.link(put.id(), dir.resolve("second")));
    }

    @Test
    void aBlobChangedInPlaceIsSetAsideAndTheContentReadTakesItsName() throws Exception {
        BlobStore.Put put = blobs.put(bytes("the real content\n"), T1);
        Path p = blobs.path(put.id());
        repo.catalog().forgetBlob(put.id()); // its facts unknown: the store reads the file to learn them
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(p, "changed by hand, same name\n");
        BlobStore.Put again = blobs.put(bytes("the real content\n"), T1);
        assertEquals(BlobStore.Outcome.INSERTED, again.outcome());
        assertEquals("the real content\n", Files.readString(p), "what was read, not what was set aside");
        try (var q = Files.walk(repo.quarantineDir())) {
            assertEquals(1, q.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void contentsAroundTheBufferSizeAreStoredWholeAndFoundAgain() throws Exception {
        java.util.Random random = new java.util.Random(3);
        int buffer = 256 * 1024; // what stage() holds in memory before it streams through a file
        for (int size : new int[] {1, buffer - 1, buffer, buffer + 1, 3 * buffer + 17}) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            // a stream that hands out a few bytes at a time, as a network source may
            java.io.InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(content)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, 1000));
                }
            };
            BlobStore.Put put = blobs.put(trickle, T1);
            assertEquals(BlobStore.Outcome.INSERTED, put.outcome(), size + " bytes");
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(content)),
                    put.id().sha1());
            assertArrayEquals(content, Files.readAllBytes(blobs.path(put.id())), size + " bytes");
            BlobStore.Put again = blobs.put(new ByteArrayInputStream(content), T1);
            assertEquals(BlobStore.Outcome.EXISTED, again.outcome(), size + " bytes");
            assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content)),
                    again.sha256());
        }
        assertEquals(List.of(), Fixtures.files(repo.tmpDir()), "nothing left in .data/tmp");
    }

    @Test
    void storesContentReadOnlyUnderTheSha1ItComputedWithTheSourceMtime() throws IOException {
        BlobStore.Put put = blobs.put(bytes("hello\n"), T1);
        assertEquals(BlobStore.Outcome.INSERTED, put.outcome());
        assertEquals("f572d396fae9206628714fb2ce00f72e94f2258f", put.id().sha1());
        Path p = repo.sha1Dir().resolve("f5/72d396fae9206628714fb2ce00f72e94f2258f");
        assertEquals("hello\n", Files.readString(p));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        assertEquals(T1, Files.getLastModifiedTime(p).toInstant());
        assertEquals(null, put.sha256(), "SHA-256 is computed only when a blob of that SHA-1 is stored already");
        BlobStore.Put again = blobs.put(bytes("hello\n"), T1);
        assertEquals(BlobStore.Outcome.EXISTED, again.outcome());
        assertEquals(Fixtures.hash("SHA-256", p), again.sha256(), "a duplicate is told from a collision by it");
        assertEquals(List.of(), Fixtures.files(repo.tmpDir()), "no temp file is left behind");
    }

    @Test
    void aStoredBlobIsNeverRewritten() throws IOException {
        blobs.put(bytes("same"), T1);
        Path p = blobs.path(blobs.put(bytes("same"), T1).id());
        Object inode = Fixtures.inode(p);
        BlobStore.Put again = blobs.put(bytes("same"), Instant.parse("2024-05-05T00:00:00Z"));
        assertEquals(BlobStore.Outcome.EXISTED, again.outcome());
        assertEquals(inode, Fixtures.inode(p));
        assertEquals(T1, Files.getLastModifiedTime(p).toInstant(), "the first ingest's mtime stays");
    }

    @Test
    void zeroBytesAreNeverStored() throws IOException {
        BlobStore.Put put = blobs.put(bytes(""), T1);
        assertEquals(BlobStore.Outcome.EMPTY, put.outcome());
        assertEquals(BlobId.EMPTY, put.id());
        assertFalse(Files.exists(blobs.path(BlobId.EMPTY)));
    }

    @Test
    void bothContentsOfARealSha1CollisionAreKeptBitExact() throws IOException {
        for (String[] pair : new String[][] {{"shattered-1.pdf", "shattered-2.pdf"}, {"sha-mbles-1.bin", "sha-mbles-2.bin"}}) {
            byte[] a = Files.readAllBytes(Fixtures.collisions().resolve(pair[0]));
            byte[] b = Files.readAllBytes(Fixtures.collisions().resolve(pair[1]));
            BlobStore.Put pa = blobs.put(new ByteArrayInputStream(a), T1);
            BlobStore.Put pb = blobs.put(new ByteArrayInputStream(b), T1);
            assertEquals(pa.id().sha1(), pb.id().sha1(), pair[0] + " and " + pair[1] + " are a SHA-1 collision");
            assertEquals(BlobStore.Outcome.INSERTED, pa.outcome());
            assertEquals(BlobStore.Outcome.COLLISION_INSERTED, pb.outcome());
            assertNotEquals(pa.id(), pb.id());
            assertArrayEquals(a, Files.readAllBytes(blobs.path(pa.id())));
            assertArrayEquals(b, Files.readAllBytes(blobs.path(pb.id())));
            // Storing either again finds it, even with the catalog's blob facts gone.
            assertEquals(BlobStore.Outcome.EXISTED, blobs.put(new ByteArrayInputStream(b), T1).outcome());
        }
    }

    @Test
    void aCollisionIsDetectedEvenWhenTheCatalogNeverSawTheFirstContent() throws Exception {
        byte[] a = Files.readAllBytes(Fixtures.collisions().resolve("sha-mbles-1.bin"));
        byte[] b = Files.readAllBytes(Fixtures.collisions().resolve("sha-mbles-2.bin"));
        BlobStore.Put pa = blobs.put(new ByteArrayInputStream(a), T1);
        repo.close();
        Files.deleteIfExists(dir.resolve("vault/.linkvault/catalog.sqlite"));
        repo = Repository.openForWriting(dir.resolve("vault"), "test", true);
        blobs = repo.blobs();
        BlobStore.Put pb = blobs.put(new ByteArrayInputStream(b), T1);
        assertEquals(BlobStore.Outcome.COLLISION_INSERTED, pb.outcome());
        assertArrayEquals(a, Files.readAllBytes(blobs.path(pa.id())));
        assertArrayEquals(b, Files.readAllBytes(blobs.path(pb.id())));
    }

    @Test
    void pastTheFilesystemsLinkLimitLinksGoToAFreshVerifiedCopy() throws IOException {
        BlobId id = blobs.put(bytes("popular"), T1).id();
        Path links = Files.createDirectory(dir.resolve("vault/snapshots/many"));
        Path primary = blobs.path(id);
        int made = 0;
        // ext4 allows 65,000 links per inode; find the real limit by hitting it.
        while (true) {
            try {
                Files.createLink(links.resolve("l" + made), primary);
                made++;
            } catch (FileSystemException e) {
                assertTrue(BlobStore.isLinkLimit(primary, e), "expected EMLINK, got " + e);
                break;
            }
            if (made > 200_000) {
                throw new org.opentest4j.TestAbortedException("this filesystem has no small link limit");
            }
        }
        blobs.link(id, links.resolve("one-more"));
        blobs.link(id, links.resolve("and-another"));
        Path copy = primary.resolveSibling(primary.getFileName() + ".1");
        assertTrue(Files.exists(copy), "overflow copy " + copy + " was made");
        assertEquals("popular", Files.readString(links.resolve("one-more")));
        assertEquals(Fixtures.inode(copy), Fixtures.inode(links.resolve("one-more")));
        assertEquals(Fixtures.inode(copy), Fixtures.inode(links.resolve("and-another")), "later links use the copy");
        assertEquals(3, Fixtures.links(copy));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
        assertEquals(T1, Files.getLastModifiedTime(copy).toInstant());
        Repository.deleteTree(links);
    }

    @Test
    void linkingAMissingBlobSaysSo() {
        BlobId ghost = new BlobId("0123456789abcdef0123456789abcdef01234567", null);
        assertThrows(BlobStore.BlobMissingException.class, () -> blobs.link(ghost, dir.resolve("vault/snapshots/x")));
    }
}
