package dev.linkvault.source.icloud;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.UserError;
import dev.linkvault.VaultTest;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.ingest.Snapshotter;
import dev.linkvault.repo.Manifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Snapshots of a Drive on the fake iCloud service, as a daily cron job takes them. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IcloudSourceTest extends VaultTest {
    static final Instant NOW = Instant.parse("2026-12-01T03:00:00Z");
    static final Instant T = Instant.parse("2025-06-01T12:00:00Z");
    FakeIcloud apple;
    Path sessions;
    Path password;

    @BeforeEach
    void login() throws Exception {
        apple = new FakeIcloud("alice@example.com", IcloudLoginTest.PASSWORD);
        sessions = dir.resolve("sessions");
        password = Files.writeString(dir.resolve("password"), IcloudLoginTest.PASSWORD);
        IcloudLogin.login(IcloudLoginTest.config(apple, sessions), IcloudLoginTest.PASSWORD, where -> apple.code, null,
                s -> {}, Duration.ofSeconds(5), IcloudLoginTest.HINT);
    }

    @AfterEach
    void stop() {
        apple.close();
    }

    SourceConfig.Icloud config(boolean trash, boolean appLibraries, List<String> include, List<String> ignore) {
        return new SourceConfig.Icloud("icloud", apple.appleId, new SourceConfig.Secret(null, password), sessions, trash,
                appLibraries, include, ignore, apple.authEndpoint(), apple.setupEndpoint(), 3, 2);
    }

    Snapshotter.Result snapshot(String name) throws Exception {
        return snapshot(name, config(false, true, List.of(), List.of()));
    }

    Snapshotter.Result snapshot(String name, SourceConfig.Icloud cfg) throws Exception {
        problems.clear();
        // each run opens the repository anew, as the command line does
        repo.close();
        repo = dev.linkvault.repo.Repository.openForWriting(vault, "test", true);
        try (IcloudSource s = new IcloudSource(cfg, 4, repo.tmpDir(), vault.resolve(".data/cache/icloud"),
                IcloudLoginTest.HINT)) {
            return snapshotAt(NOW, name, 4, s);
        }
    }

    Map<String, Manifest.Item> manifest(String name) throws Exception {
        Map<String, Manifest.Item> items = new LinkedHashMap<>();
        Manifest.read(repo.manifest(name), it -> items.put(it.path(), it));
        return items;
    }

    byte[] bytes(String snapshot, String path) throws Exception {
        return Files.readAllBytes(repo.tree(snapshot).resolve(path));
    }

    boolean problem(String fragment) {
        return problems.stream().anyMatch(p -> p.contains(fragment));
    }

    static final String SUB = "FOLDER::com.apple.CloudDocs::D5AA0425-E84F-4501-AF5D-60F1D92648CF";
    static final String PYICLOUD = "FOLDER::com.apple.CloudDocs::1C7F1760-D940-480F-8C4F-005824A4E05B";
    static final String SCANNED = "FILE::com.apple.CloudDocs::516C896C-6AA5-4A30-B30E-5502C2333DAE";

    @Test
    void pyicloudsRecordedDriveWithNfcNamesExtensionsDatesAndAppLibrariesThenAnUnchangedRunDownloadsNothing()
            throws Exception {
        Snapshotter.Result r = snapshot("s1");
        assertNotNull(r.summary(), problems.toString());
        Map<String, Manifest.Item> m = manifest("s1");
        String nfc = "icloud/pyiCloud/Test/Document scann\u00e9 2.pdf";
        assertTrue(m.containsKey(nfc), "the NFD name from Apple is stored in NFC: " + m.keySet());
        assertEquals(Instant.parse("2020-04-27T21:37:36Z"), m.get(nfc).mtime());
        assertEquals(19876991, m.get(nfc).size());
        assertEquals(0644, m.get(nfc).mode());
        assertArrayEquals(FakeIcloud.pseudoRandom("FILE::com.apple.CloudDocs::33A41112-4131-4938-9691-7F356CE3C51D",
                19876991), bytes("s1", nfc));
        assertEquals(Instant.parse("2020-05-03T00:15:17Z"), m.get("icloud/pyiCloud/Test/Scanned document 1.pdf").mtime());
        for (String app : List.of("Keynote", "Numbers", "Pages", "Preview")) {
            assertEquals(Manifest.Type.DIR, m.get("icloud/" + app).type(), "app library " + app + " is a folder");
        }
        assertEquals(2, apple.downloads.get());
        int listings = apple.listings.get();

        Snapshotter.Result again = snapshot("s2");
        assertEquals(0, again.summary().filesRead(), problems.toString());
        assertEquals(2, apple.downloads.get(), "an unchanged run downloads nothing");
        assertEquals(0, apple.byIds.get() - 2, "nor asks for a download URL");
        assertTrue(apple.listings.get() > listings, "it lists");
        assertEquals(manifest("s1").keySet(), manifest("s2").keySet());
    }

    @Test
    void aChangedFileIsDownloadedAndAnEtagOnlyChangeIsLinkedByItsSignatureWithoutDownloading() throws Exception {
        String a = apple.file(SUB, "a", "txt", "one".getBytes(StandardCharsets.UTF_8), T);
        String b = apple.file(SUB, "b", "txt", "two".getBytes(StandardCharsets.UTF_8), T);
        snapshot("s1");
        int downloads = apple.downloads.get();
        apple.change(a, "ONE, changed".getBytes(StandardCharsets.UTF_8), T.plusSeconds(60));
        apple.bumpEtag(b);
        Snapshotter.Result r = snapshot("s2");
        assertEquals(downloads + 1, apple.downloads.get(), "only the changed content is downloaded: " + problems);
        assertEquals("ONE, changed", new String(bytes("s2", "icloud/pyiCloud/Test/a.txt"), StandardCharsets.UTF_8));
        assertEquals("two", new String(bytes("s2", "icloud/pyiCloud/Test/b.txt"), StandardCharsets.UTF_8));
        assertEquals(Instant.parse("2025-06-01T12:01:00Z"), manifest("s2").get("icloud/pyiCloud/Test/a.txt").mtime());
        assertEquals(1, r.summary().filesRead());
    }

    @Test
    void namesWithoutExtensionTwoNamesEqualInNfcZeroByteFilesAndAppLibrariesOff() throws Exception {
        String notes = apple.folder(FakeIcloud.ROOT, "Notes");
        apple.file(notes, "README", null, "no extension".getBytes(StandardCharsets.UTF_8), T);
        apple.file(notes, "Cafe\u0301", "md", "nfd".getBytes(StandardCharsets.UTF_8), T);
        apple.file(notes, "Caf\u00e9", "md", "nfc".getBytes(StandardCharsets.UTF_8), T.plusSeconds(1));
        apple.file(notes, "empty", "txt", new byte[0], T);
        String obsidian = apple.appLibrary("iCloud.md.obsidian", "Obsidian");
        apple.file(obsidian, "Daily", "md", "vault note".getBytes(StandardCharsets.UTF_8), T);
        snapshot("s1");
        Map<String, Manifest.Item> m = manifest("s1");
        assertEquals("no extension", new String(bytes("s1", "icloud/Notes/README"), StandardCharsets.UTF_8));
        long cafes = m.keySet().stream().filter(p -> p.startsWith("icloud/Notes/Caf\u00e9")).count();
        assertEquals(2, cafes, "both are kept: " + m.keySet());
        assertTrue(problem("names equal once in NFC"), problems.toString());
        assertEquals(0, m.get("icloud/Notes/empty.txt").size());
        assertEquals("vault note", new String(bytes("s1", "icloud/Obsidian/Daily.md"), StandardCharsets.UTF_8),
                "an app library's file is downloaded in its own zone");
        assertFalse(problems.stream().anyMatch(p -> p.startsWith("ERROR")), problems.toString());

        snapshot("s2", config(false, false, List.of(), List.of()));
        assertFalse(manifest("s2").containsKey("icloud/Obsidian"), "app-libraries: false leaves them out");
        assertTrue(manifest("s2").containsKey("icloud/Notes/README"));
    }

    @Test
    void theTrashIsLeftOutUnlessAskedForAndIncludeIgnoreWorkAsForLocal() throws Exception {
        String docs = apple.folder(FakeIcloud.ROOT, "Docs");
        apple.file(docs, "keep", "pdf", "k".getBytes(StandardCharsets.UTF_8), T);
        apple.file(docs, "skip", "tmp", "s".getBytes(StandardCharsets.UTF_8), T);
        String gone = apple.file(docs, "old", "txt", "binned".getBytes(StandardCharsets.UTF_8), T);
        apple.trash(gone);
        snapshot("s1", config(false, true, List.of(), List.of(".*\\.tmp$")));
        Map<String, Manifest.Item> m = manifest("s1");
        assertTrue(m.containsKey("icloud/Docs/keep.pdf"));
        assertFalse(m.containsKey("icloud/Docs/skip.tmp"), "ignored");
        assertFalse(m.keySet().stream().anyMatch(p -> p.contains("Trash")), m.keySet().toString());

        snapshot("s2", config(true, true, List.of("Docs/", "\\[Trash\\]"), List.of()));
        Map<String, Manifest.Item> t = manifest("s2");
        assertEquals("binned", new String(bytes("s2", "icloud/[Trash]/old.txt"), StandardCharsets.UTF_8));
        assertTrue(t.containsKey("icloud/Docs/skip.tmp"));
        assertFalse(t.containsKey("icloud/pyiCloud"), "include keeps only what it names: " + t.keySet());
    }

    @Test
    void aPackageIsStoredAsTheFolderTheMacHoldsAndIsNotDownloadedAgainWhileUnchanged() throws Exception {
        String pages = "FOLDER::com.apple.Pages::documents"; // pyicloud's recorded app library
        byte[] zip = FakeIcloud.zip(Map.of("projectData", "the music".getBytes(StandardCharsets.UTF_8),
                "Media/Audio Files/take 1.aif", "aif bytes".getBytes(StandardCharsets.UTF_8)), true);
        apple.packageFile(SUB, "Project", "band", zip, 1_700_305, T);
        apple.packageFile(pages, "Broken", "pages", "this is not a zip".getBytes(StandardCharsets.UTF_8), 99, T);
        apple.file(SUB, "Plain", "key", "a single-file keynote".getBytes(StandardCharsets.UTF_8), T);
        snapshot("s1");
        Map<String, Manifest.Item> m = manifest("s1");
        assertEquals(Manifest.Type.DIR, m.get("icloud/pyiCloud/Test/Project.band").type(), m.keySet().toString());
        assertEquals("aif bytes", new String(bytes("s1", "icloud/pyiCloud/Test/Project.band/Media/Audio Files/take 1.aif"),
                StandardCharsets.UTF_8), "unpacked from the gzip-wrapped zip, whose size is not the listed one");
        assertEquals("the music", new String(bytes("s1", "icloud/pyiCloud/Test/Project.band/projectData"), StandardCharsets.UTF_8));
        assertEquals("this is not a zip", new String(bytes("s1", "icloud/Pages/Broken.pages.zip"), StandardCharsets.UTF_8));
        assertTrue(problem("kept as it came"), problems.toString());
        assertEquals("a single-file keynote", new String(bytes("s1", "icloud/pyiCloud/Test/Plain.key"), StandardCharsets.UTF_8));
        int downloads = apple.downloads.get();
        int byIds = apple.byIds.get();

        snapshot("s2");
        assertEquals(downloads, apple.downloads.get(), "packages unchanged: nothing downloaded: " + problems);
        assertEquals(byIds, apple.byIds.get());
        assertEquals(manifest("s1").keySet(), manifest("s2").keySet());
    }

    @Test
    void aSessionThatDiesMidRunIsRenewedOnceAndASecondDeathStopsTheRun() throws Exception {
        for (int i = 0; i < 12; i++) {
            apple.file(apple.folder(FakeIcloud.ROOT, "f" + i), "x", "bin", ("c" + i).getBytes(StandardCharsets.UTF_8), T);
        }
        apple.sessionDiesAfter.set(3);
        Snapshotter.Result r = snapshot("s1");
        assertNotNull(r.summary());
        assertEquals(0, r.summary().errors(), problems.toString());

        int logins = apple.signinInits.get();
        apple.sessionDiesAfter.set(2);
        apple.failNext.set(0);
        // a second death in the same run: the fake kills the renewed session too
        Thread killer = new Thread(() -> {
            while (apple.sessionDiesAfter.get() != -1) {
                Thread.onSpinWait();
            }
            apple.sessionDiesAfter.set(1);
        });
        killer.setDaemon(true);
        killer.start();
        var e = assertThrows(UserError.class, () -> snapshot("s2"));
        assertTrue(e.getMessage().contains("renewed once"), e.getMessage());
        assertTrue(apple.signinInits.get() - logins <= 1, "one renewal, no login loop");
        assertFalse(Files.exists(repo.manifest("s2")), "nothing published");
    }

    @Test
    void throttlingShortBodiesAndAFolderAppleRefusesAreRetriedOrReportedButNeverFatal() throws Exception {
        String shared = apple.folder(FakeIcloud.ROOT, "Shared with me");
        apple.file(shared, "theirs", "txt", "x".getBytes(StandardCharsets.UTF_8), T);
        apple.refuse(shared);
        String mine = apple.folder(FakeIcloud.ROOT, "Mine");
        for (int i = 0; i < 5; i++) {
            apple.file(mine, "m" + i, "txt", ("mine " + i).getBytes(StandardCharsets.UTF_8), T);
        }
        apple.failStatus = 503;
        apple.failNext.set(4);
        apple.shortNext.set(1);
        Snapshotter.Result r = snapshot("s1");
        assertNotNull(r.summary());
        assertEquals(1, r.summary().errors(), "the refused folder: " + problems);
        assertTrue(problem("shared by another account"), problems.toString());
        for (int i = 0; i < 5; i++) {
            assertEquals("mine " + i, new String(bytes("s1", "icloud/Mine/m" + i + ".txt"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSpurious400AndA421MidRunAreRidOut() throws Exception {
        snapshot("s1");
        apple.failStatus = 400;
        apple.failBody = "{\"error\":\"Bad Request\"}";
        apple.failNext.set(2);
        Snapshotter.Result r = snapshot("s2");
        assertEquals(0, r.summary().errors(), problems.toString());
        int logins = apple.signinInits.get();
        apple.failStatus = 421;
        apple.failBody = "{\"success\":false,\"error\":\"Failed to validate the credentials from cookie\"}";
        apple.failNext.set(1);
        r = snapshot("s3");
        assertEquals(0, r.summary().errors(), problems.toString());
        assertEquals(logins, apple.signinInits.get(), "a 421 is renewed with accountLogin and the saved token, no SRP");
        assertTrue(apple.accountLogins.get() >= 2);
    }

    @Test
    void aDriveThatSuddenlyLooksEmptyIsNotBelievedAndNothingIsPublished() throws Exception {
        snapshot("s1");
        apple.emptyRoot();
        var e = assertThrows(UserError.class, () -> snapshot("s2"));
        assertTrue(e.getMessage().contains("--allow-shrink") && e.getMessage().contains("'icloud'"), e.getMessage());
        assertFalse(Files.exists(repo.manifest("s2")));
        assertTrue(Files.exists(repo.tree("s1").resolve("icloud/pyiCloud/Test/Scanned document 1.pdf"),
                LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theTrustEndingWithinAWeekIsWarnedOnEverySnapshot() throws Exception {
        Path f = IcloudSession.fileOf(sessions, apple.appleId);
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Files.readString(f));
        Instant since = Instant.now().minus(Duration.ofDays(25));
        json.put("trusted_since", since.toString());
        Files.writeString(f, json.toString());
        snapshot("s1");
        String ends = since.plus(Duration.ofDays(30)).toString().substring(0, 10);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("WARNING") && p.contains(ends) && p.contains("icloud login")),
                problems.toString());
    }
}
