package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.UserError;
import dev.linkvault.config.Config;
import dev.linkvault.config.SourceConfig;
import dev.linkvault.ingest.Preflight;
import dev.linkvault.repo.Repository;
import dev.linkvault.source.Source;
import dev.linkvault.source.Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "preflight", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check what a first snapshot will meet, before it runs.",
            "The repository's filesystem (type, hard links, one filesystem, free space against what will be",
            "stored), the open-file limit, and per source what a dry scan finds (folders, files, bytes, errors,",
            "names a Windows/SMB target refuses) with a suggested worker count. Reads the sources; reads no file content; writes only a probe it removes.",
            "Exit 0: ready; 1: a problem was found (listed); 2: could not run (config).",
            "Example: linkvault -c vault.yaml preflight"})
final class PreflightCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Override
    public Integer call() throws Exception {
        Config config = top.requireConfig();
        Path root = top.repository();
        boolean exists = Files.exists(root.resolve(".linkvault/format"));
        Path probe = null;
        Repository repo = null;
        int problems = 0;
        try {
            Path scratch;
            if (exists) {
                repo = top.openWriter("linkvault preflight");
                scratch = repo.tmpDir();
            } else {
                Path existing = root;
                while (existing != null && !Files.isDirectory(existing)) {
                    existing = existing.getParent();
                }
                if (existing == null) {
                    throw new UserError("no folder on the way to repository " + root + " exists");
                }
                try {
                    probe = Files.createTempDirectory(existing, ".linkvault-preflight-");
                } catch (IOException e) {
                    throw new UserError("cannot write in " + existing + " (where repository " + root + " would be): "
                            + e.getMessage());
                }
                scratch = probe.resolve("scratch");
            }
            Preflight.Place place = Preflight.place(root, exists, probe);
            top.out.println("repository   " + root + (exists ? "" : "  (not created yet: linkvault init " + root + ")"));
            top.out.println("  filesystem " + place.fsType() + " (" + place.device() + ")");
            if (place.linkProblem() == null) {
                top.out.println("  hard links work; .data and snapshots are one filesystem");
            } else {
                problems++;
                top.out.println("  PROBLEM: " + place.linkProblem());
            }
            long soft = place.openFilesSoft();
            int workers = config.workers() > 0 ? config.workers() : 4;
            if (soft < 0) {
                top.out.println("  open files: limit unknown");
            } else if (soft < workers + 256L) {
                top.out.println("  open files: limit " + soft + " is low for " + workers + " workers; raise it with"
                        + " 'ulimit -n " + Math.min(place.openFilesHard(), 4096) + "' (LimitNOFILE= under systemd)");
            } else {
                top.out.println("  open files: limit " + (soft == Long.MAX_VALUE ? "unlimited" : Units.count(soft))
                        + ", enough");
            }
            long toStore = 0;
            for (SourceConfig c : config.sources()) {
                top.out.println("source       " + c.name() + " (" + type(c) + ")");
                try (Source s = Sources.create(c, workers, scratch, root, top.withConfig())) {
                    s.listOnly();
                    try {
                        s.check();
                    } catch (IOException | dev.linkvault.UserError e) {
                        problems++;
                        top.out.println("  PROBLEM: " + e.getMessage());
                        continue;
                    }
                    if (s instanceof dev.linkvault.source.icloud.IcloudSource i) {
                        java.time.Instant ends = i.trustEnds();
                        top.out.println("  session    logged in to iCloud" + (ends == null ? "" : "; Apple's trust ends "
                                + ends.toString().substring(0, 10) + (ends.isBefore(java.time.Instant.now()
                                .plus(dev.linkvault.source.icloud.IcloudSource.TRUST_WARNING)) ? " (within 7 days: run "
                                + top.withConfig() + " icloud login)" : "")));
                    }
                    Preflight.SourceReport r = Preflight.scan(s, repo, type(c), readsFrom(c));
                    toStore += r.toReadBytes();
                    top.out.println("  found      " + Units.count(r.dirs()) + " folders, " + Units.count(r.files())
                            + " files, " + Units.bytes(r.bytes()) + (r.notes() > 0 ? "; " + Units.count(r.notes())
                            + (r.notes() == 1 ? " note" : " notes") + " (shown by snapshot)" : ""));
                    top.out.println("  to read    " + Units.count(r.toRead()) + " files, " + Units.bytes(r.toReadBytes())
                            + (exists ? " the catalog does not know yet" : "") + " (stored at most once each)");
                    if (r.errors() > 0) {
                        top.out.println("  errors     " + Units.count(r.errors()) + " entries cannot be stored, e.g.:");
                        r.errorExamples().forEach(e -> top.out.println("               " + e));
                    }
                    r.warnings().forEach(w -> top.out.println("  warning    " + w));
                    if (r.refusedNames() > 0) {
                        top.out.println("  names      " + Units.count(r.refusedNames()) + " that a Windows/SMB/exFAT"
                                + " target refuses (fine in the repository; export with --sanitize-names), e.g.:");
                        r.refusedExamples().forEach(e -> top.out.println("               " + e));
                    }
                    top.out.println("  workers    " + r.workers() + ": " + r.workersReason());
                }
            }
            String space = Units.bytes(place.usable()) + " free, at most " + Units.bytes(toStore) + " to store";
            if (toStore > place.usable()) {
                problems++;
                top.out.println("space        PROBLEM: " + space + "; free space or choose another repository");
            } else {
                top.out.println("space        " + space + ": enough");
            }
            top.out.println(problems == 0 ? "ready" : problems + (problems == 1 ? " problem" : " problems") + " found");
            return problems == 0 ? ExitCodes.OK : ExitCodes.PARTIAL;
        } finally {
            if (repo != null) {
                repo.close();
            }
            if (probe != null) {
                Repository.deleteTree(probe);
            }
        }
    }

    private static String type(SourceConfig c) {
        if (c instanceof SourceConfig.Local) {
            return "local";
        }
        if (c instanceof SourceConfig.Icloud) {
            return "icloud";
        }
        return c instanceof SourceConfig.Mycloud ? "mycloud" : "nextcloud";
    }

    private static Path readsFrom(SourceConfig c) {
        if (c instanceof SourceConfig.Local l) {
            return l.path();
        }
        return c instanceof SourceConfig.Mycloud m ? m.files() : null;
    }
}
