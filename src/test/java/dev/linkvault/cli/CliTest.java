package dev.linkvault.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.Fixtures;
import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    private static final Instant OLD = Instant.parse("2018-03-04T05:06:07Z");
    @TempDir
    Path dir;
    Path config;
    Path vault;

    @BeforeEach
    void setUp() throws IOException {
        Path src = Files.createDirectory(dir.resolve("Documents"));
        Fixtures.write(src, "report.pdf", "%PDF pretend", OLD);
        Files.setPosixFilePermissions(src.resolve("report.pdf"), PosixFilePermissions.fromString("rw-r-----"));
        Fixtures.write(src, "a/notes.txt", "notes");
        Fixtures.write(src, "a/scratch.tmp", "scratch");
        Fixtures.write(src, "a/.DS_Store", "mac junk");
        vault = dir.resolve("vault");
        config = dir.resolve("vault.yaml");
        Files.writeString(config, "repository: " + vault + "\n"
                + "sources:\n"
                + "  - type: local\n"
                + "    name: docs                  # becomes snapshots/<snapshot name>/docs/...\n"
                + "    path: Documents\n"
                + "    ignore: ['.*\\.tmp$']        # optional; include: [...] likewise\n");
    }

    private Cli lv(String... args) {
        return Cli.run(args);
    }

    @Test
    void versionAndHelpWorkAsCommandsAndAfterAnyCommand() {
        for (String[] args : new String[][] {{"--version"}, {"version"}, {"snapshot", "--version"}, {"restore", "-V"}}) {
            Cli v = lv(args);
            assertEquals(0, v.code(), v.toString());
            assertTrue(v.out().startsWith("linkvault 0.1.0 (repository format 1"), String.join(" ", args) + ": " + v);
        }
        Cli help = lv("help");
        assertEquals(0, help.code(), help.toString());
        assertTrue(help.out().contains("snapshot") && help.out().contains("restore") && help.out().contains("version"),
                help.out());
        Cli restoreHelp = lv("help", "restore");
        assertEquals(0, restoreHelp.code(), restoreHelp.toString());
        assertTrue(restoreHelp.out().contains("Usage: linkvault restore"), restoreHelp.out());
        assertEquals(restoreHelp.out(), lv("restore", "--help").out());
    }

    @Test
    void everyCommandsHelpHasAnExampleAndFitsEightyColumns() {
        Cli all = lv("--help");
        assertEquals(24, LinkvaultCommand.COMMANDS.size());
        for (var e : LinkvaultCommand.COMMANDS.entrySet()) {
            String name = e.getKey();
            // the start-up list names each command as its own annotation does, and --help lists it
            assertEquals(e.getValue().getAnnotation(picocli.CommandLine.Command.class).name(), name);
            assertTrue(all.out().contains("\n  " + name + " "), name + " missing from --help:\n" + all.out());
            if (name.equals("help")) {
                continue;
            }
            Cli h = lv(name, "--help");
            assertEquals(0, h.code(), name + ": " + h);
            assertTrue(h.out().contains("Example"), name + " --help has no example:\n" + h.out());
            for (String line : h.out().split("\n")) {
                assertTrue(line.length() <= 80, name + " --help line of " + line.length() + ": " + line);
            }
        }
    }

    @Test
    void theReadmeTourWorksAsWritten() throws Exception {
        Cli init = lv("init", vault.toString());
        assertEquals(0, init.code(), init.toString());
        Cli snap = lv("-c", config.toString(), "snapshot", "--name", "2026-11-21", "--json");
        assertEquals(0, snap.code(), snap.toString());
        JsonNode s = new ObjectMapper().readTree(snap.out());
        assertEquals("2026-11-21", s.get("name").asText());
        assertEquals(2, s.get("files").asLong(), "the .tmp file and .DS_Store are ignored");

        Cli list = lv("--repo", vault.toString(), "snapshots");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains("2026-11-21") && list.out().contains("complete"), list.out());
        JsonNode arr = new ObjectMapper().readTree(lv("--repo", vault.toString(), "snapshots", "--json").out());
        assertEquals("complete", arr.get(0).get("state").asText());
        assertEquals(2, arr.get(0).get("files").asLong());

        Cli ls = lv("-c", config.toString(), "ls", "2026-11-21:docs/a");
        assertEquals(0, ls.code(), ls.toString());
        assertTrue(ls.out().contains("docs/a/notes.txt"), ls.out());
        assertFalse(ls.out().contains("scratch"), ls.out());

        Path out = dir.resolve("out");
        Cli restore = lv("-c", config.toString(), "restore", "2026-11-21:docs/report.pdf", "--to", out.toString());
        assertEquals(0, restore.code(), restore.toString());
        Path r = out.resolve("report.pdf");
        assertEquals("%PDF pretend", Files.readString(r));
        assertEquals(OLD, Files.getLastModifiedTime(r).toInstant(), "mtime applied");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(r)), "mode applied");
        assertEquals(1, Fixtures.links(r), "a restored file is an independent copy");
    }

    @Test
    void restoringAFolderKeepsItsNameFolderMtimesAndRefusesToOverwriteUnlessAsked() throws Exception {
        lv("init", vault.toString());
        Files.setLastModifiedTime(dir.resolve("Documents/a"), FileTime.from(OLD));
        lv("-c", config.toString(), "snapshot", "--name", "s1");
        Path out = dir.resolve("out");
        Cli first = lv("--repo", vault.toString(), "restore", "s1:docs/a", "--to", out.toString());
        assertEquals(0, first.code(), first.toString());
        assertEquals("notes", Files.readString(out.resolve("a/notes.txt")));
        assertEquals(OLD, Files.getLastModifiedTime(out.resolve("a")).toInstant());

        Files.writeString(out.resolve("a/notes.txt"), "my edits");
        Cli again = lv("--repo", vault.toString(), "restore", "s1:docs/a", "--to", out.toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("--overwrite"), again.err());
        assertEquals("my edits", Files.readString(out.resolve("a/notes.txt")));
        Cli forced = lv("--repo", vault.toString(), "restore", "s1:docs/a", "--to", out.toString(), "--overwrite");
        assertEquals(0, forced.code(), forced.toString());
        assertEquals("notes", Files.readString(out.resolve("a/notes.txt")));
    }

    @Test
    void restoreRefusesAFileDamagedInTheSnapshot() throws Exception {
        lv("init", vault.toString());
        lv("-c", config.toString(), "snapshot", "--name", "s1");
        Path inTree = vault.resolve("snapshots/s1/docs/report.pdf");
        Files.setPosixFilePermissions(inTree, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(inTree, "%PDF tampered");
        Cli r = lv("--repo", vault.toString(), "restore", "s1:docs/report.pdf", "--to", dir.resolve("out").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("damaged"), r.err());
        assertFalse(Files.exists(dir.resolve("out/report.pdf")));
    }

    @Test
    void aRunWithPerFileErrorsCompletesAndExitsWithOne() throws Exception {
        lv("init", vault.toString());
        // A name that is not UTF-8 cannot be carried into the snapshot: a per-file error, not a fatal one.
        Process p = new ProcessBuilder("bash", "-c", "echo x > \"$1\"/$'bad\\xffname'", "-", dir.resolve("Documents").toString())
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        Cli r = lv("-c", config.toString(), "snapshot", "--name", "s1");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("error: docs/bad") && r.err().contains("not valid UTF-8"), r.err());
        assertTrue(r.out().contains("snapshot s1 complete") && r.out().contains("1 errors"), r.out());
        assertEquals("notes", Files.readString(vault.resolve("snapshots/s1/docs/a/notes.txt")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "init", "snapshot", "snapshots", "ls", "restore", "forget", "gc", "verify", "stats", "reindex"})
    void everyCommandHasHelp(String command) {
        Cli c = command.isEmpty() ? lv("--help") : lv(command, "--help");
        assertEquals(0, c.code(), c.toString());
        assertTrue(c.out().startsWith("Usage: linkvault"), c.out());
    }

    @Test
    void aCommandNameThatIsAnOptionsValueIsNotTakenForTheCommand() throws IOException {
        // only the commands a command line names are built at start: one named by -c's value must not get in the way
        Path cfg = Files.copy(config, dir.resolve("gc"));
        assertEquals(0, lv("init", vault.toString()).code());
        Cli s = lv("-c", cfg.toString(), "snapshots");
        assertEquals(0, s.code(), s.toString());
        Cli wrong = lv("-c", cfg.toString(), "snapshotz");
        assertEquals(2, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("snapshots"), "suggests the commands it resembles: " + wrong.err());
    }

    @Test
    void usageMistakesExitWithTwo() {
        assertEquals(2, lv("frobnicate").code());
        assertEquals(2, lv().code());
        Cli noConfig = lv("snapshot");
        assertEquals(2, noConfig.code());
        assertTrue(noConfig.err().contains("-c FILE"), noConfig.err());
    }

    @Test
    void configMistakesAreOneLineNamingTheKeyWithExitTwoAndNoStackTrace() throws IOException {
        lv("init", vault.toString());
        String[][] cases = {
            {"sources: []\n", "sources: give a list"},
            {"sources:\n  - type: local\n    name: docs\n", "sources[0].path: is missing"},
            {"sources:\n  - type: lokal\n    name: docs\n    path: x\n", "'lokal' is not a source type"},
            {"sources:\n  - {type: local, name: docs, path: x, ignroe: []}\n", "sources[0].ignroe: unknown setting"},
            {"sources:\n  - {type: local, name: docs, path: x, ignore: ['(unclosed']}\n", "'(unclosed' is not a valid regular expression"},
            {"sources:\n  - {type: local, name: '../up', path: x}\n", "is not usable as a folder name"},
            {"sources: [\n", "is not valid YAML"},
            {"snapshot-name: 'yyyy-MM-dd-{'\nsources:\n  - {type: local, name: d, path: x}\n", "snapshot-name"},
        };
        for (String[] c : cases) {
            Path bad = dir.resolve("bad.yaml");
            try {
                Files.writeString(bad, c[0]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Cli r = lv("-c", bad.toString(), "--repo", vault.toString(), "snapshot");
            assertEquals(2, r.code(), c[0] + "\n" + r);
            assertTrue(r.err().contains(c[1]), "for\n" + c[0] + "expected '" + c[1] + "' in " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
        assertEquals(0, Files.list(vault.resolve("snapshots")).count(), "nothing was written");
    }

    @Test
    void aMissingSourceFolderIsFatalAndWritesNothing() throws IOException {
        lv("init", vault.toString());
        Files.writeString(config, "repository: " + vault + "\nsources:\n  - {type: local, name: docs, path: Gone}\n");
        Cli r = lv("-c", config.toString(), "snapshot");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("Gone of source 'docs' does not exist"), r.err());
        assertEquals(0, Files.list(vault.resolve("snapshots")).count());
    }

    @Test
    void repositoryMistakesSayWhatToDo() throws IOException {
        Cli missing = lv("--repo", dir.resolve("nowhere").toString(), "snapshots");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("linkvault init"), missing.err());
        Files.createDirectories(dir.resolve("plain"));
        Cli plain = lv("--repo", dir.resolve("plain").toString(), "snapshots");
        assertTrue(plain.err().contains("is not a linkvault repository"), plain.err());
        lv("init", vault.toString());
        Cli twice = lv("init", vault.toString());
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("already a linkvault repository"), twice.err());
        Cli busy = lv("init", dir.resolve("Documents").toString());
        assertTrue(busy.err().contains("is not empty"), busy.err());
        Files.writeString(vault.resolve(".linkvault/format"), "linkvault repository\nformat: 9\n");
        Cli newer = lv("--repo", vault.toString(), "snapshots");
        assertTrue(newer.err().contains("upgrade linkvault"), newer.err());
    }

    @Test
    void lsAndRestoreOfSomethingThatIsNotThereExitWithTwo() {
        lv("init", vault.toString());
        lv("-c", config.toString(), "snapshot", "--name", "s1");
        Cli noSnap = lv("--repo", vault.toString(), "ls", "s9");
        assertEquals(2, noSnap.code());
        assertTrue(noSnap.err().contains("no snapshot named 's9'"), noSnap.err());
        Cli noPath = lv("--repo", vault.toString(), "ls", "s1:docs/nope");
        assertEquals(2, noPath.code());
        assertTrue(noPath.err().contains("has no path 'docs/nope'"), noPath.err());
        Cli noRestore = lv("--repo", vault.toString(), "restore", "s1:docs/nope", "--to", dir.resolve("o").toString());
        assertEquals(2, noRestore.code());
        Cli escape = lv("--repo", vault.toString(), "restore", "s1:../../etc", "--to", dir.resolve("o").toString());
        assertEquals(2, escape.code());
    }

    @Test
    void aSecondWriterIsToldWhoHoldsTheLockAndExitsWithThree() throws IOException {
        lv("init", vault.toString());
        try (Repository held = Repository.openForWriting(vault, "linkvault snapshot", true)) {
            Cli r = lv("-c", config.toString(), "snapshot");
            assertEquals(3, r.code(), r.toString());
            assertTrue(r.err().contains("pid " + ProcessHandle.current().pid()), r.err());
            assertTrue(r.err().contains("linkvault snapshot"), r.err());
            assertEquals(0, Files.list(vault.resolve("snapshots")).count());
        }
        assertEquals(0, lv("-c", config.toString(), "snapshot").code(), "free again once released");
    }

    @Test
    void aRepositoryWhoseSnapshotsFolderIsOnAnotherFilesystemIsRefused() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(dir)), "needs a second filesystem at /dev/shm");
        lv("init", vault.toString());
        Path elsewhere = Files.createTempDirectory(shm, "linkvault-test-");
        try {
            Files.delete(vault.resolve("snapshots"));
            Files.createSymbolicLink(vault.resolve("snapshots"), elsewhere);
            Cli r = lv("-c", config.toString(), "snapshot");
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("different filesystems"), r.err());
            assertEquals(0, Files.list(elsewhere).count());
        } finally {
            Repository.deleteTree(elsewhere);
        }
    }

    @Test
    void aRepositoryInsideTheSourceFolderIsSkippedWithANoteAndNeverReadIntoItself() throws IOException {
        Path home = dir.resolve("home");
        Fixtures.write(home, "notes.txt", "notes");
        Path inner = home.resolve("backups/vault");
        Files.createDirectories(inner.getParent());
        Path cfg = dir.resolve("home.yaml");
        Files.writeString(cfg, "repository: " + inner + "\nsources:\n  - {type: local, name: home, path: " + home + "}\n");
        assertEquals(0, lv("init", inner.toString()).code());
        for (String name : new String[] {"s1", "s2"}) {
            Cli r = lv("-c", cfg.toString(), "snapshot", "--name", name);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.err().contains("home/backups/vault: skipped: this is the linkvault repository"), r.toString());
        }
        Path tree = inner.resolve("snapshots/s2/home");
        assertEquals("notes", Files.readString(tree.resolve("notes.txt")));
        assertTrue(Files.isDirectory(tree.resolve("backups")));
        assertFalse(Files.exists(tree.resolve("backups/vault")), "the repository is not in its own snapshot");

        Path cfg2 = dir.resolve("inside.yaml");
        Files.writeString(cfg2, "repository: " + inner + "\nsources:\n  - {type: local, name: snaps, path: "
                + inner.resolve("snapshots") + "}\n");
        Cli refused = lv("-c", cfg2.toString(), "snapshot", "--name", "s3");
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("is inside the repository"), refused.toString());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertFalse(Files.exists(inner.resolve("snapshots/s3.partial")));
    }

    @Test
    void withOneFileSystemAMountPointIsAnEmptyFolderAndNotEntered() throws Exception {
        Path top = dir.resolve("top");
        Fixtures.write(top, "here.txt", "here");
        Path mnt = Files.createDirectories(top.resolve("mnt"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root)");
        try {
            Fixtures.write(mnt, "elsewhere.txt", "on another filesystem");
            lv("init", vault.toString());
            for (boolean one : new boolean[] {false, true}) {
                Path cfg = dir.resolve("x" + one + ".yaml");
                Files.writeString(cfg, "repository: " + vault + "\nsources:\n  - {type: local, name: top, path: " + top
                        + ", one-file-system: " + one + "}\n");
                Cli r = lv("-c", cfg.toString(), "snapshot", "--name", "one-fs-" + one);
                assertEquals(0, r.code(), r.toString());
                Path tree = vault.resolve("snapshots/one-fs-" + one + "/top");
                assertEquals("here", Files.readString(tree.resolve("here.txt")));
                assertTrue(Files.isDirectory(tree.resolve("mnt")));
                assertEquals(!one, Files.exists(tree.resolve("mnt/elsewhere.txt")), "one-file-system: " + one);
                assertEquals(one, r.err().contains("top/mnt: not entered: another filesystem"), r.toString());
            }
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aNameOfTheFull255BytesIsRestoredAndExported() throws IOException {
        String longName = "n".repeat(251) + ".txt";
        Fixtures.write(dir.resolve("Documents"), "long/" + longName, "long name");
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        for (String cmd : new String[] {"restore", "export"}) {
            Path out = dir.resolve("out-" + cmd);
            Cli r = lv("-c", config.toString(), cmd, "s1:docs/long", "--to", out.toString());
            assertEquals(0, r.code(), r.toString());
            assertEquals("long name", Files.readString(out.resolve("long").resolve(longName)), cmd);
            try (var s = Files.list(out.resolve("long"))) {
                assertEquals(1, s.count(), "no temporary file left");
            }
        }
    }

    @Test
    void aSnapshotMostOfWhoseFilesHadErrorsIsFailedExitsTwoAndSaysSo() throws Exception {
        Path src = Files.createDirectory(dir.resolve("broken"));
        Fixtures.write(src, "good.txt", "good");
        // names that are not UTF-8 cannot be carried: three per-file errors
        Process p = new ProcessBuilder("sh", "-c", "cd '" + src + "' && for i in 1 2 3; do printf x > \"$(printf 'bad\\377'$i)\"; done")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Path cfg = dir.resolve("broken.yaml");
        Files.writeString(cfg, "repository: " + vault + "\nsources:\n  - {type: local, name: b, path: " + src + "}\n");
        lv("init", vault.toString());
        Cli r = lv("-c", cfg.toString(), "snapshot", "--name", "s1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("snapshot s1 failed: 3 of 4 files had errors"), r.toString());
        Cli list = lv("--repo", vault.toString(), "snapshots");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("s1 ") && l.contains("failed") && l.strip().endsWith("3")),
                list.out());
        assertTrue(list.out().startsWith("NAME") && list.out().lines().findFirst().get().contains("ERRORS"), list.out());
    }

    @Test
    void aSnapshotStoppedBetweenItsTwoRenamesIsListedAsCompletePendingAndItsRerunSucceeds() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        // the state a crash after the manifest's rename and before the tree's leaves
        Files.move(vault.resolve("snapshots/s1"), vault.resolve("snapshots/s1.partial"));
        Cli list = lv("--repo", vault.toString(), "snapshots");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("s1 ") && l.contains("complete-pending")), list.out());
        Cli again = lv("-c", config.toString(), "snapshot", "--name", "s1");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.err().contains("snapshot s1 was already complete"), again.toString());
        assertTrue(Files.isDirectory(vault.resolve("snapshots/s1")));
        assertTrue(lv("--repo", vault.toString(), "snapshots").out().lines()
                .anyMatch(l -> l.startsWith("s1 ") && l.contains(" complete ")));
    }

    @Test
    void aKeyGivenTwiceInTheConfigIsAnError() throws IOException {
        Path twice = dir.resolve("twice.yaml");
        Files.writeString(twice, "repository: " + vault + "\nrepository: /elsewhere\nsources:\n"
                + "  - {type: local, name: docs, path: Documents}\n");
        Cli r = lv("-c", twice.toString(), "snapshots");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("key 'repository' is given twice (line 2); keep one of them"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void lsShowsControlCharactersAndNewlinesInNamesEscaped() throws Exception {
        Path src = dir.resolve("Documents");
        Fixtures.write(src, "two\nlines.txt", "x");
        Fixtures.write(src, "bell\u0007.txt", "y");
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Cli ls = lv("-c", config.toString(), "ls", "s1:docs");
        assertTrue(ls.out().contains("docs/two\\x0alines.txt") && ls.out().contains("docs/bell\\x07.txt"), ls.out());
        assertFalse(ls.out().contains("\u0007"), "no raw control character reaches the terminal");
        assertEquals(4, ls.out().lines().count(), "one line per entry (a/, bell, report, two lines): " + ls.out());
    }

    @Test
    void aSymlinkWhoseTargetIsNotUtf8IsAPerFileErrorNotARewrittenTarget() throws Exception {
        Path src = dir.resolve("Documents");
        Process p = new ProcessBuilder("sh", "-c", "cd '" + src + "' && ln -s \"$(printf 'target\\377')\" badlink")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        lv("init", vault.toString());
        Cli r = lv("-c", config.toString(), "snapshot", "--name", "s1");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("docs/badlink: symlink target is not valid UTF-8"), r.err());
        assertFalse(Files.exists(vault.resolve("snapshots/s1/docs/badlink"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aSourceThatLostMostOfItsFilesStopsBeforePublishingUnlessAllowed() throws IOException {
        Path src = dir.resolve("Documents");
        for (int i = 0; i < 10; i++) {
            Fixtures.write(src, "many/f" + i, "file " + i);
        }
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Repository.deleteTree(src.resolve("many")); // as an unmounted disk looks
        Cli r = lv("-c", config.toString(), "snapshot", "--name", "s2");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("source 'docs' has 2 files where snapshot s1 had 12 (fewer than 50%)")
                && r.err().contains("--allow-shrink"), r.err());
        assertFalse(Files.exists(vault.resolve("snapshots/s2")), "nothing published");
        Cli allowed = lv("-c", config.toString(), "snapshot", "--name", "s2", "--allow-shrink");
        assertEquals(0, allowed.code(), allowed.toString());
        assertTrue(Files.isDirectory(vault.resolve("snapshots/s2")));
    }

    @Test
    void everyWritingRunIsRecordedAndStatusTellsTheAgeOfTheLastSuccess() throws Exception {
        lv("init", vault.toString());
        Cli none = lv("--repo", vault.toString(), "status");
        assertEquals(1, none.code(), none.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Cli ok = lv("--repo", vault.toString(), "status");
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().contains("last run:     linkvault snapshot") && ok.out().contains("success (exit 0)")
                && ok.out().contains("snapshot s1, 2 files"), ok.out());
        assertTrue(ok.out().contains("last success: ") && ok.out().contains("(snapshot s1)"), ok.out());

        // a run that fails is recorded, and the last success stays what it was
        try (Repository held = Repository.openForWriting(vault, "linkvault snapshot", true)) {
            assertEquals(3, lv("-c", config.toString(), "snapshot", "--name", "s2").code());
        }
        JsonNode st = new ObjectMapper().readTree(lv("--repo", vault.toString(), "status", "--json").out());
        assertEquals("locked", st.get("outcome").asText());
        assertEquals(3, st.get("exit_code").asInt());
        assertTrue(st.get("message").asText().contains("is in use by"), st.toString());
        assertEquals("s1", st.get("last_success_snapshot").asText());
        assertTrue(st.get("ok").asBoolean());
        Thread.sleep(1100);
        Cli old = lv("--repo", vault.toString(), "status", "--max-age", "1s");
        assertEquals(1, old.code(), "older than a second: " + old);
        assertTrue(old.out().contains("older than --max-age 1s"), old.out());
        assertEquals(2, lv("--repo", vault.toString(), "status", "--max-age", "soon").code());
        assertFalse(Files.exists(vault.resolve(".linkvault/status.json.tmp")));
    }

    @Test
    void fixHintsNameTheRepositoryOrConfigTheRunWasGiven() throws IOException {
        lv("init", vault.toString());
        Cli byRepo = lv("--repo", vault.toString(), "ls", "nosuch:docs");
        assertEquals(2, byRepo.code());
        assertTrue(byRepo.err().contains("list them with: linkvault --repo " + vault + " snapshots"), byRepo.err());
        Cli byConfig = lv("-c", config.toString(), "ls", "nosuch:docs");
        assertTrue(byConfig.err().contains("list them with: linkvault -c " + config + " snapshots"), byConfig.err());
    }

    @Test
    void theConfigAndRepositoryAreFoundFromTheEnvironmentAndTheUsualPlaces() throws Exception {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        java.util.Map<String, String> env = new java.util.HashMap<>(Map.of("LC_ALL", "C.UTF-8", "HOME", dir.toString()));
        env.put("LINKVAULT_REPOSITORY", vault.toString());
        dev.linkvault.ChildJvm.Run byEnv = dev.linkvault.ChildJvm.run(dir, env, Main.class, "snapshots");
        assertEquals(0, byEnv.code(), byEnv.toString());
        assertTrue(byEnv.out().contains("s1"), byEnv.toString());

        env.remove("LINKVAULT_REPOSITORY");
        env.put("LINKVAULT_CONFIG", config.toString());
        dev.linkvault.ChildJvm.Run byConfigEnv = dev.linkvault.ChildJvm.run(dir, env, Main.class, "ls", "s1:docs");
        assertEquals(0, byConfigEnv.code(), byConfigEnv.toString());
        assertTrue(byConfigEnv.out().contains("docs/report.pdf"), byConfigEnv.toString());

        env.remove("LINKVAULT_CONFIG");
        Path home = Files.createDirectories(dir.resolve(".config/linkvault"));
        Files.copy(config, home.resolve("config.yaml"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        dev.linkvault.ChildJvm.Run byHome = dev.linkvault.ChildJvm.run(elsewhere, env, Main.class, "snapshots");
        assertEquals(0, byHome.code(), byHome.toString());
        assertTrue(byHome.out().contains("s1"), byHome.toString());
    }

    @Test
    void latestAndLatestTildeNWorkWhereASnapshotNameDoes() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "first").code());
        Files.writeString(dir.resolve("Documents/report.pdf"), "%PDF edited");
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "second").code());
        Path out = dir.resolve("out");
        assertEquals(0, lv("-c", config.toString(), "restore", "latest:docs/report.pdf", "--to", out.resolve("a").toString()).code());
        assertEquals("%PDF edited", Files.readString(out.resolve("a/report.pdf")));
        assertEquals(0, lv("-c", config.toString(), "restore", "latest~1:docs/report.pdf", "--to", out.resolve("b").toString()).code());
        assertEquals("%PDF pretend", Files.readString(out.resolve("b/report.pdf")));
        assertTrue(lv("-c", config.toString(), "ls", "latest:docs").out().contains("docs/report.pdf"));
        Cli tooFar = lv("-c", config.toString(), "ls", "latest~2");
        assertEquals(2, tooFar.code());
        assertTrue(tooFar.err().contains("has 2 complete snapshots"), tooFar.err());
    }

    @Test
    void aCommandOfAnotherToolGetsADidYouMean() {
        Cli r = lv("backup");
        assertEquals(2, r.code(), r.toString());
        assertEquals("linkvault: there is no command 'backup'; did you mean: linkvault snapshot", r.err().strip());
        Cli other = lv("snapshott");
        assertEquals(2, other.code(), other.toString());
        assertTrue(other.err().contains("snapshot"), other.err());
    }

    @Test
    void restoreTakesIncludeAndExcludeGlobs() throws IOException {
        Fixtures.write(dir.resolve("Documents"), "a/deep/tax.pdf", "tax");
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Path pdfs = dir.resolve("pdfs");
        Cli inc = lv("-c", config.toString(), "restore", "s1", "--to", pdfs.toString(), "--include", "*.pdf");
        assertEquals(0, inc.code(), inc.toString());
        assertEquals("tax", Files.readString(pdfs.resolve("docs/a/deep/tax.pdf")));
        assertTrue(Files.exists(pdfs.resolve("docs/report.pdf")));
        assertFalse(Files.exists(pdfs.resolve("docs/a/notes.txt")), "only what matches");

        Path noA = dir.resolve("no-a");
        Cli exc = lv("-c", config.toString(), "restore", "s1", "--to", noA.toString(), "--exclude", "docs/a");
        assertEquals(0, exc.code(), exc.toString());
        assertTrue(Files.exists(noA.resolve("docs/report.pdf")));
        assertFalse(Files.exists(noA.resolve("docs/a")), "an excluded folder goes with all in it");

        Path both = dir.resolve("both");
        Cli mix = lv("-c", config.toString(), "restore", "s1", "--to", both.toString(), "--include", "docs/a/**",
                "--exclude", "deep");
        assertEquals(0, mix.code(), mix.toString());
        assertTrue(Files.exists(both.resolve("docs/a/notes.txt")));
        assertFalse(Files.exists(both.resolve("docs/a/deep")));
        assertFalse(Files.exists(both.resolve("docs/report.pdf")));

        Cli none = lv("-c", config.toString(), "restore", "s1", "--to", dir.resolve("none").toString(), "--include", "*.xls");
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("nothing in s1 matches the --include/--exclude patterns"), none.err());
    }

    @Test
    void lsShowsHumanSizesWithHAndSnapshotsShowsWhenEachWasTaken() throws IOException {
        Files.write(dir.resolve("Documents/big.bin"), new byte[1_500_000]);
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Cli plain = lv("-c", config.toString(), "ls", "s1:docs/big.bin");
        assertTrue(plain.out().contains(" 1500000 "), plain.out());
        Cli human = lv("-c", config.toString(), "ls", "-h", "s1:docs/big.bin");
        assertEquals(0, human.code(), human.toString());
        assertTrue(human.out().contains("1.50 MB"), human.out());
        assertTrue(lv("ls", "--help").out().contains("--human-readable"));
        Cli list = lv("--repo", vault.toString(), "snapshots");
        assertTrue(list.out().lines().findFirst().get().contains("STARTED"), list.out());
        assertTrue(list.out().lines().skip(1).findFirst().get().matches("s1 +complete +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d .*"),
                list.out());
    }

    @Test
    void snapshotDryRunSaysWhatWouldBeReadAndWritesNothing() throws Exception {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Fixtures.write(dir.resolve("Documents"), "new.txt", "a new file");
        byte[] status = Files.readAllBytes(vault.resolve(".linkvault/status.json"));
        try (Repository held = Repository.openForWriting(vault, "linkvault snapshot", true)) {
            Cli dry = lv("-c", config.toString(), "snapshot", "--dry-run");
            assertEquals(0, dry.code(), "needs no lock: " + dry);
            assertTrue(dry.out().contains("dry run: source docs: 3 files and symlinks") && dry.out().contains("would read 1 files"),
                    dry.out());
            assertTrue(dry.out().contains("nothing was read, locked or written"), dry.out());
        }
        try (var list = Files.list(vault.resolve("snapshots"))) {
            assertEquals(1, list.count(), "no snapshot made");
        }
        assertTrue(java.util.Arrays.equals(status, Files.readAllBytes(vault.resolve(".linkvault/status.json"))),
                "no run recorded");
    }

    @Test
    void aMetricsFileForNodeExporterIsRewrittenAfterEachSnapshot() throws IOException {
        Path metrics = dir.resolve("linkvault.prom");
        Files.writeString(config, Files.readString(config) + "metrics-file: " + metrics + "\n");
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        String m = Files.readString(metrics);
        assertTrue(m.contains("# TYPE linkvault_last_success_timestamp_seconds gauge"), m);
        assertTrue(m.contains("linkvault_last_run_exit_code{repository=\"" + vault + "\"} 0"), m);
        assertTrue(m.contains("linkvault_snapshot_files{repository=\"" + vault + "\"} 2"), m);
        assertTrue(m.contains("linkvault_source_files{repository=\"" + vault + "\",source=\"docs\"} 2"), m);
        try (Repository held = Repository.openForWriting(vault, "linkvault snapshot", true)) {
            assertEquals(3, lv("-c", config.toString(), "snapshot", "--name", "s2").code());
        }
        String after = Files.readString(metrics);
        assertTrue(after.contains("linkvault_last_run_exit_code{repository=\"" + vault + "\"} 3"), after);
        assertTrue(after.contains("linkvault_last_success_timestamp_seconds"), "the last success stays: " + after);
    }

    @Test
    void dumpWritesAFileOrAFolderAsTarCheckedAgainstItsSha1() throws Exception {
        Fixtures.write(dir.resolve("Documents"), "a/" + "long".repeat(40) + ".txt", "a long name");
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        java.util.Map<String, String> env = Map.of("LC_ALL", "C.UTF-8");
        dev.linkvault.ChildJvm.Run file = dev.linkvault.ChildJvm.run(dir, env, Main.class, "--repo", vault.toString(),
                "dump", "latest:docs/report.pdf");
        assertEquals(0, file.code(), file.toString());
        assertEquals("%PDF pretend", file.out());

        dev.linkvault.ChildJvm.Started tar = dev.linkvault.ChildJvm.start(dir, env, Main.class, "--repo", vault.toString(),
                "dump", "s1:docs");
        assertEquals(0, tar.finish().code());
        Path out = Files.createDirectory(dir.resolve("untarred"));
        Process x = new ProcessBuilder("tar", "-x", "-f", tar.out().toString(), "-C", out.toString()).inheritIO().start();
        assertEquals(0, x.waitFor());
        assertEquals("%PDF pretend", Files.readString(out.resolve("docs/report.pdf")));
        assertEquals(OLD, Files.getLastModifiedTime(out.resolve("docs/report.pdf")).toInstant(), "mtime kept");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("docs/report.pdf"))));
        assertEquals("a long name", Files.readString(out.resolve("docs/a/" + "long".repeat(40) + ".txt")), "a name past 100 bytes");

        Path blob = vault.resolve("snapshots/s1/docs/report.pdf");
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(blob, "%PDF altered");
        dev.linkvault.ChildJvm.Run damaged = dev.linkvault.ChildJvm.run(dir, env, Main.class, "--repo", vault.toString(),
                "dump", "s1:docs/report.pdf");
        assertEquals(2, damaged.code(), damaged.toString());
        assertTrue(damaged.err().contains("docs/report.pdf is damaged in the snapshot") && damaged.err().contains("run verify"),
                damaged.toString());
    }

    @Test
    void findListsMatchingPathsWithTheSnapshotsTheyAreIn() throws IOException {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Fixtures.write(dir.resolve("Documents"), "a/tax/2025.pdf", "tax");
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s2").code());
        Cli pdfs = lv("-c", config.toString(), "find", "*.pdf");
        assertEquals(0, pdfs.code(), pdfs.toString());
        assertTrue(pdfs.out().contains("docs/report.pdf  (in 2 snapshots, first s1, last s2)"), pdfs.out());
        assertTrue(pdfs.out().contains("docs/a/tax/2025.pdf  (in s2)"), pdfs.out());
        Cli one = lv("-c", config.toString(), "find", "docs/**/tax/*", "--snapshot", "latest~1");
        assertEquals(1, one.code(), "s1 has no tax folder: " + one);
        assertTrue(one.err().contains("nothing matches docs/**/tax/* in 1 snapshots"), one.err());
    }

    @Test
    void diffNamesWhatWasAddedRemovedAndChangedWithCountsAndBytes() throws Exception {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Path docs = dir.resolve("Documents");
        Fixtures.write(docs, "new.txt", "brand new");
        Files.delete(docs.resolve("a/notes.txt"));
        Files.writeString(docs.resolve("report.pdf"), "%PDF edited!");
        Files.setLastModifiedTime(docs.resolve("report.pdf"), FileTime.from(OLD));
        Files.setPosixFilePermissions(docs.resolve("a"), PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s2").code());
        Cli d = lv("-c", config.toString(), "diff", "s1", "latest");
        assertEquals(0, d.code(), d.toString());
        assertTrue(d.out().contains("+ docs/new.txt\n"), d.out());
        assertTrue(d.out().contains("- docs/a/notes.txt\n"), d.out());
        assertTrue(d.out().contains("M docs/report.pdf  (12 -> 12 bytes)"), d.out());
        assertTrue(d.out().contains("U docs/a/  (mode 0755 -> 0700)"), d.out());
        assertTrue(d.out().contains("diff s1 latest: 1 added (9 B), 1 removed (5 B), 1 changed"), d.out());
        Cli below = lv("-c", config.toString(), "diff", "s1", "s2", "docs/a", "--json");
        assertEquals(0, below.code(), below.toString());
        String[] lines = below.out().strip().split("\n");
        assertTrue(lines[lines.length - 1].contains("\"removed\":1") && lines[lines.length - 1].contains("\"added\":0"),
                below.out());
        assertFalse(below.out().contains("new.txt"), "only below the path: " + below.out());
    }

    @Test
    void historyListsEachDistinctVersionOnceWithItsFirstAndLastSnapshot() throws Exception {
        lv("init", vault.toString());
        Path docs = dir.resolve("Documents");
        Path report = docs.resolve("report.pdf");
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s2").code());
        Files.writeString(report, "%PDF second draft");
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s3").code());
        Files.delete(report);
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s4").code());
        Fixtures.write(docs, "report.pdf", "%PDF pretend", OLD); // the first version back
        Files.setPosixFilePermissions(report, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s5").code());

        Cli h = lv("-c", config.toString(), "history", "docs/report.pdf");
        assertEquals(0, h.code(), h.toString());
        String[] lines = h.out().split("\n");
        assertEquals("docs/report.pdf: 2 versions in 4 of 5 snapshots", lines[0], h.out());
        assertTrue(lines[2].matches("\\s+1  s1\\s+s5\\s+3  file\\s+12 B  2018-03-0\\d \\d\\d:06:07  "
                + org.apache.commons.codec.digest.DigestUtils.sha1Hex("%PDF pretend")), lines[2]);
        assertTrue(lines[3].matches("\\s+2  s3\\s+s3\\s+1  file\\s+17 B  .*  " + org.apache.commons.codec.digest.DigestUtils.sha1Hex("%PDF second draft")),
                lines[3]);

        // the same through a path in a snapshot's tree, and as JSON
        Cli real = lv("-c", config.toString(), "history", vault.resolve("snapshots/s3/docs/report.pdf").toString(), "--json");
        assertEquals(0, real.code(), real.toString());
        JsonNode j = new ObjectMapper().readTree(real.out());
        assertEquals("docs/report.pdf", j.get("path").asText());
        assertEquals(5, j.get("snapshots_searched").asInt());
        assertEquals("[\"s1\",\"s2\",\"s5\"]", j.get("versions").get(0).get("snapshots").toString());
        assertEquals("0640", j.get("versions").get(0).get("mode").asText());
        assertEquals("s3", j.get("versions").get(1).get("first_snapshot").asText());

        Cli none = lv("-c", config.toString(), "history", "docs/nope.pdf");
        assertEquals(1, none.code(), none.toString());
        assertTrue(none.err().contains("no snapshot of the 5 searched has 'docs/nope.pdf'; look for it with: linkvault find"
                + " 'nope.pdf'"), none.err());
        Cli outside = lv("-c", config.toString(), "history", dir.resolve("Documents/report.pdf").toString());
        assertEquals(2, outside.code(), outside.toString());
        assertTrue(outside.err().contains("is not inside a snapshot of"), outside.err());
    }

    @Test
    void quietVerboseAndTheLogFileAsACronJobSeesThem() throws Exception {
        lv("init", vault.toString());
        java.util.Map<String, String> env = Map.of("LC_ALL", "C.UTF-8", "HOME", dir.toString());
        String stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d) ";
        Path log = dir.resolve("linkvault.log");

        // stderr is no terminal here, as under cron: each of its lines starts with the time
        dev.linkvault.ChildJvm.Run first = dev.linkvault.ChildJvm.run(dir, env, Main.class, "snapshot", "-c",
                config.toString(), "--name", "s1", "-v", "--log-file", log.toString());
        assertEquals(0, first.code(), first.toString());
        for (String line : first.err().strip().split("\n")) {
            // (the test class path has two SLF4J bindings, which SLF4J itself says on stderr; the jar has one)
            assertTrue(line.matches(stamp + ".*") || line.startsWith("SLF4J("), "stamped: " + line);
        }
        assertTrue(first.err().matches("(?s).*" + stamp + "stored docs/report\\.pdf\n.*"), "-v names each file stored: " + first);
        assertTrue(first.out().startsWith("snapshot s1 complete"), "stdout is not stamped: " + first);
        String logged = Files.readString(log);
        assertTrue(logged.matches("(?s).*" + stamp + "stored docs/a/notes\\.txt\n.*"), logged);
        assertTrue(logged.matches("(?s).*" + stamp + "snapshot s1 complete.*"), "stdout goes to the log too: " + logged);

        // -q: only errors and the summary
        Fixtures.write(dir.resolve("Documents"), "new.txt", "new");
        dev.linkvault.ChildJvm.Run quiet = dev.linkvault.ChildJvm.run(dir, env, Main.class, "-q", "-c", config.toString(),
                "snapshot", "--name", "s2", "--log-file", log.toString());
        assertEquals(0, quiet.code(), quiet.toString());
        assertEquals("", quiet.err().replaceAll("(?m)^SLF4J\\(.*\n", ""), "nothing but errors on stderr: " + quiet);
        assertTrue(quiet.out().startsWith("snapshot s2 complete"), quiet.toString());
        assertTrue(Files.readString(log).startsWith(logged), "appended, not replaced");

        Cli badLog = lv("-c", config.toString(), "snapshots", "--log-file", dir.resolve("no/such/dir/x.log").toString());
        assertEquals(2, badLog.code(), badLog.toString());
        assertTrue(badLog.err().startsWith("linkvault: --log-file " + dir.resolve("no/such/dir/x.log")), badLog.err());
    }

    @Test
    void completionScriptsCompleteCommandsAndTheirOptions() throws Exception {
        Cli bash = lv("completion", "bash");
        assertEquals(0, bash.code(), bash.toString());
        Path script = dir.resolve("linkvault.bash");
        Files.writeString(script, bash.out());
        // what bash does on TAB: the completion function with the words typed so far
        Process p = new ProcessBuilder("bash", "-c", "source " + script + " 2>/dev/null;"
                + " COMP_WORDS=(linkvault hist); COMP_CWORD=1; _complete_linkvault 2>/dev/null; echo \"${COMPREPLY[*]}\";"
                + " COMP_WORDS=(linkvault history --j); COMP_CWORD=2; _complete_linkvault 2>/dev/null; echo \"${COMPREPLY[*]}\"")
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), said);
        assertEquals("history\n--json\n", said);

        Cli zsh = lv("completion", "zsh");
        assertTrue(zsh.out().startsWith("#compdef linkvault\n") && zsh.out().contains("bashcompinit"), zsh.out());
        Cli fish = lv("completion", "fish");
        assertTrue(fish.out().contains("complete -c linkvault -n '__fish_use_subcommand' -a history -d 'Every distinct version"),
                fish.out());
        assertTrue(fish.out().contains("complete -c linkvault -n '__fish_seen_subcommand_from restore' -l include -r"),
                fish.out());
        Cli other = lv("completion", "tcsh");
        assertEquals(2, other.code());
        assertEquals("linkvault: no completion for shell 'tcsh'; give bash, zsh or fish", other.err().strip());
    }

    @Test
    void serveListensOnLoopbackAndRefusesTheNetworkWithoutUsers() throws Exception {
        lv("init", vault.toString());
        assertEquals(0, lv("-c", config.toString(), "snapshot", "--name", "s1").code());
        Cli open = lv("-c", config.toString(), "serve", "--listen", "0.0.0.0:0");
        assertEquals(2, open.code(), open.toString());
        assertEquals(1, open.err().strip().lines().count(), open.err());
        assertTrue(open.err().contains("would let anyone on the network read the vault; give --auth-file FILE"), open.err());
        Cli bad = lv("-c", config.toString(), "serve", "--listen", "localhost");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--listen localhost is not HOST:PORT"), bad.err());

        Path users = dir.resolve("etc/web-users");
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("a long secret\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Cli add = lv("serve", "--add-user", "bob", "--auth-file", users.toString());
            assertEquals(0, add.code(), add.toString());
            assertTrue(add.out().contains("user bob saved in " + users), add.out());
        } finally {
            System.setIn(stdin);
        }
        assertTrue(Files.readString(users).contains("\nbob:$2y$12$"), Files.readString(users));

        java.util.concurrent.atomic.AtomicReference<Cli> served = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> served.set(lv("-c", config.toString(), "serve", "--listen", "127.0.0.1:0",
                "--auth-file", users.toString())));
        t.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (ServeCommand.running == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        dev.linkvault.web.WebServer server = ServeCommand.running;
        assertTrue(server != null, "the server started");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + "/snapshots"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("bob:a long secret".getBytes()))
                .build();
        var r = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(">s1<"), r.body());
        int port = server.port();
        server.close();
        t.join(10_000);
        assertEquals(0, served.get().code(), served.get().toString());
        assertTrue(served.get().out().startsWith("serving " + vault + " at http://127.0.0.1:" + port + "/"),
                served.get().out());
    }
}
