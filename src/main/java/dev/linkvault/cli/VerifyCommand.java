package dev.linkvault.cli;

import dev.linkvault.Units;
import dev.linkvault.maintain.Verifier;
import dev.linkvault.repo.Repository;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Check that the repository reads back: blobs re-hash to their names, ETag aliases are links"
                + " to blobs, every snapshot tree matches its manifest.",
            "Reports each problem (exit code 1). A damaged blob is moved to .data/quarantine, so that the next"
                + " snapshot stores its content again; --repair relinks the snapshots to it.",
            "Examples: linkvault verify --subset 5%% (weekly); linkvault verify --subset 3/7 (a seventh each day)"})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    LinkvaultCommand top;

    @Option(names = "--subset", paramLabel = "P%|K/N", description = {"Re-hash only some blobs: a random percentage"
            + " (5%%), or slice K of N (3/7) so that N runs cover every blob once. Trees are always checked whole."})
    String subset;

    @Option(names = "--repair", description = {"Also mend what can be: relink snapshot paths that are not links"
            + " to their blob (a damaged blob's, or replaced by hand) to the stored, intact blob.",
        "Takes the writer lock. Run a snapshot first so that damaged contents are stored again."})
    boolean repair;

    @Option(names = "--json", description = "One JSON object: the figures, each problem, what was quarantined and repaired.")
    boolean json;

    /** What --json collects while verify runs. */
    private final java.util.Map<String, Object> report = new java.util.LinkedHashMap<>();
    private final java.util.List<Object> problems = new java.util.ArrayList<>();

    private void say(String line) {
        if (!json) {
            top.out.println(line);
        }
    }

    @Override
    public Integer call() throws Exception {
        Verifier.Subset s = subset == null ? Verifier.Subset.all() : Verifier.Subset.parse(subset);
        try (Repository repo = repair ? top.openWriter("linkvault verify --repair")
                : Repository.openForReading(top.repository())) {
            Verifier v = new Verifier(repo);
            Verifier.Result r;
            try (ProgressLine status = new ProgressLine(top.err, ProgressLine.onTerminal() && !top.quiet && !json, "verify")
                    .watch(() -> v.blobsDone.get() + v.pathsDone.get(), v.bytesDone::get, () -> problems.size(),
                            v.bytesDone::get).counting("blobs and paths").start()) {
                r = v.run(s, p -> {
                    problems.add(JsonOut.obj("where", p.where(), "what", p.what()));
                    if (!json) {
                        status.println(top.out, "problem: " + p.where() + ": " + p.what());
                    }
                });
            }
            report.put("subset", s.text());
            report.put("blobs_checked", r.blobsChecked());
            report.put("bytes_checked", r.bytesChecked());
            report.put("aliases_checked", r.aliasesChecked());
            report.put("snapshots_checked", r.snapshotsChecked());
            report.put("paths_checked", r.pathsChecked());
            report.put("problem_count", r.problems());
            report.put("problems", problems);
            say("verify: " + Units.count(r.blobsChecked()) + " blobs re-hashed (" + Units.bytes(r.bytesChecked())
                    + ", subset " + s.text() + "), " + Units.count(r.aliasesChecked()) + " ETag aliases, "
                    + Units.count(r.snapshotsChecked()) + " snapshots (" + Units.count(r.pathsChecked()) + " paths): "
                    + (r.problems() == 0 ? "no problems" : r.problems() + " problems"));
            if (!v.damagedBlobs().isEmpty()) {
                quarantine(repo, v);
            }
            if (repair) {
                Verifier.Repaired n = v.repair(p -> say("repair: " + p.where() + ": " + p.what()));
                report.put("relinked", n.relinked());
                report.put("left_unrepaired", n.left());
                say("repair: " + Units.count(n.relinked()) + " paths relinked to their blob"
                        + (n.left() > 0 ? ", " + Units.count(n.left()) + " left (their blob is not stored intact)" : ""));
                if (n.relinked() > 0) {
                    say("run verify again to confirm the repair");
                }
            }
            if (json) {
                top.out.println(JsonOut.of(report));
            }
            return r.problems() == 0 ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }

    private void quarantine(Repository repo, Verifier v) throws Exception {
        String what = v.damagedBlobs().size() + " damaged blobs";
        try (Repository writer = repair ? null : Repository.openForWriting(top.repository(), "linkvault verify", true)) {
            int moved = Verifier.quarantine(repair ? repo : writer, v.damagedBlobs());
            report.put("quarantined", moved);
            say("quarantine: " + moved + " damaged blobs moved to " + repo.quarantineDir()
                    + "; the next snapshot reads their contents again from the sources, then verify --repair"
                    + " relinks the snapshots that use them");
        } catch (dev.linkvault.UserError locked) {
            report.put("quarantined", 0);
            say("quarantine: " + what + " not moved aside (" + locked.getMessage() + "); run verify"
                    + " again when no other writer runs");
        }
    }
}
