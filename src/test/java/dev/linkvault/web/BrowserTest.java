package dev.linkvault.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's
 * chromedriver (both paths given, so nothing is downloaded). Skipped, saying why, where they are
 * not installed (.ci/run installs them). Each page's screenshot goes to target/screenshots, and to
 * the folder named by -Dlinkvault.screenshots (examples/screenshots for the README).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;
    WebFixture vault;
    WebServer server;
    ChromeDriver browser;
    Path downloads;
    String base;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver):"
                        + " apt-get install chromium chromium-driver");
        vault = new WebFixture(Files.createDirectory(dir.resolve("v")));
        server = vault.start(null);
        base = "http://127.0.0.1:" + server.port();
        downloads = Files.createDirectory(dir.resolve("downloads"));
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=1200,1000", "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")));
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("safebrowsing.enabled", false);
        o.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private void open(String path) {
        browser.get(base + path);
    }

    /**
     * The text of the page once it has loaded: right after a click that navigates (a form sent, say),
     * the new document may have no body yet (CI failed once on that).
     */
    private String page() {
        return new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState"))
                        ? d.findElement(By.tagName("body")).getText() : null);
    }

    private void shot(String name) throws IOException {
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        Path target = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(png, target.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        String also = System.getProperty("linkvault.screenshots");
        if (also != null && !also.isBlank()) {
            Files.copy(png, Files.createDirectories(Path.of(also)).resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The file the browser saved as {@code name}, once it is complete. */
    private Path downloaded(String name) {
        Path f = downloads.resolve(name);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> Files.exists(f)
                && !Files.exists(downloads.resolve(name + ".crdownload")));
        return f;
    }

    @Test
    void theDashboardShowsTheLastRunTheSourcesAndTheGrowth() throws Exception {
        open("/");
        String text = page();
        assertTrue(text.contains("linkvault snapshot: success (exit 0)"), text);
        assertTrue(text.contains("snapshot s2"), text);
        assertEquals("s2", browser.findElement(By.cssSelector("#sources-table td:nth-child(2) a")).getText());
        assertEquals(2, browser.findElements(By.cssSelector("svg.chart rect.new")).size(), "a bar per snapshot");
        shot("dashboard");
        browser.findElement(By.linkText("Snapshots")).click();
        assertEquals(List.of("s2", "s1"), browser.findElements(By.cssSelector("#snapshots-table td:first-child a")).stream()
                .map(WebElement::getText).toList(), "newest first");
        shot("snapshots");
    }

    @Test
    void browsingToANestedFileAndDownloadingItGivesItsBytes() throws Exception {
        open("/snapshots");
        browser.findElement(By.linkText("s2")).click();
        browser.findElement(By.linkText("docs/")).click();
        shot("browse");
        browser.findElement(By.linkText("deep/")).click();
        browser.findElement(By.linkText("er/")).click();
        browser.findElement(By.linkText("still/")).click();
        assertTrue(browser.findElement(By.cssSelector("nav.crumbs")).getText().contains("docs / deep / er / still"));
        browser.findElement(By.linkText("file with space.txt")).click();
        assertTrue(page().contains("SHA-1"), page());
        browser.findElement(By.id("download")).click();
        assertEquals("deep down\n", Files.readString(downloaded("file with space.txt")));
        assertFalse(browser.findElements(By.linkText("outside")).size() > 0, "a symlink is no link to follow");
    }

    @Test
    void aFilesHistoryListsItsVersionsAndDownloadsTheOldOne() throws Exception {
        open("/file/s2/docs/notes.txt");
        List<WebElement> versions = browser.findElements(By.cssSelector("#versions tbody tr"));
        assertEquals(2, versions.size(), page());
        assertTrue(versions.get(0).getText().startsWith("1 s1 s1 1"), versions.get(0).getText());
        assertTrue(versions.get(1).getText().startsWith("2 s2 s2 1"), versions.get(1).getText());
        shot("file-history");
        versions.get(0).findElement(By.linkText("download")).click();
        assertEquals(WebFixture.V1, Files.readString(downloaded("notes.txt")), "the first version's bytes");
        open("/file/s2/docs/cat.png");
        WebElement img = browser.findElement(By.cssSelector("#preview img"));
        Long width = (Long) browser.executeScript("return arguments[0].naturalWidth", img);
        assertEquals(8L, width, "the picture is shown from the vault");
        shot("file-preview");
    }

    @Test
    void searchFindsNamesAcrossSnapshots() throws Exception {
        open("/search");
        WebElement q = browser.findElement(By.name("q"));
        q.sendKeys("*.pdf");
        q.submit();
        String text = page();
        assertTrue(text.contains("docs/tax/2025/return.pdf"), text);
        assertTrue(text.contains("2 snapshots, newest s2"), text);
        shot("search");
        browser.findElement(By.linkText("docs/tax/2025/return.pdf")).click();
        assertTrue(page().contains("return.pdf"), page());
    }

    @Test
    void diffShowsWhatChangedBetweenTwoSnapshotsPickedFromTheList() throws Exception {
        open("/diff");
        new Select(browser.findElement(By.name("a"))).selectByVisibleText("s1");
        new Select(browser.findElement(By.name("b"))).selectByVisibleText("s2");
        browser.findElement(By.cssSelector("form button")).click();
        String text = page();
        assertTrue(text.contains("2 added (12 B), 0 removed (0 B), 1 changed"), text);
        assertTrue(text.contains("docs/new/added.txt"), text);
        shot("diff");
    }

    @Test
    void aFolderDownloadsAsAZip() throws Exception {
        open("/browse/s2/docs/tax");
        browser.findElement(By.id("zip")).click();
        Path zip = downloaded("tax.zip");
        Map<String, String> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertTrue(entries.get("tax/2025/return.pdf").startsWith("%PDF-1.4"), entries.keySet().toString());
    }

    @Test
    void pathsThatClimbOutStayInTheVault() {
        // A browser resolves %2e%2e itself before sending (what reaches the server raw is refused:
        // WebServerTest); either way nothing outside the vault is ever shown.
        for (String bad : new String[] {"/raw/s2/docs/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/file/s2/docs/..%2F..%2Fetc%2Fpasswd"}) {
            open(bad);
            String text = page();
            assertFalse(text.contains("root:"), bad + ": " + text);
            assertTrue(browser.getCurrentUrl().startsWith(base), bad + " -> " + browser.getCurrentUrl());
            assertTrue(text.contains("Not found") || text.contains("Bad request") || text.contains("400"), bad + ": " + text);
        }
    }

    @Test
    void withAUsersFileAPasswordIsNeededAndAccepted() throws Exception {
        Path users = dir.resolve("web-users");
        WebServer.addUser(users, "alice", "correct horse".toCharArray());
        try (WebServer guarded = vault.start(users)) {
            browser.get("http://127.0.0.1:" + guarded.port() + "/");
            assertFalse(page().contains("Dashboard"), "refused without: " + page());
            browser.get("http://alice:correct%20horse@127.0.0.1:" + guarded.port() + "/snapshots");
            assertTrue(page().contains("s2"), "accepted with: " + page());
        }
    }
}
