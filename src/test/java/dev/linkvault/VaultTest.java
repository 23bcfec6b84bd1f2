package dev.linkvault;

import dev.linkvault.ingest.ProgressListener;
import dev.linkvault.ingest.Snapshotter;
import dev.linkvault.repo.Repository;
import dev.linkvault.source.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** For tests that need a source folder and a fresh repository opened for writing. */
public abstract class VaultTest {
    @TempDir
    protected Path dir;
    protected Path src;
    protected Path vault;
    protected Repository repo;
    /** What the last snapshots said, as "SEVERITY path: message". */
    protected final List<String> problems = new ArrayList<>();

    @BeforeEach
    void openVault() throws IOException {
        src = Files.createDirectory(dir.resolve("src"));
        vault = dir.resolve("vault");
        Repository.init(vault);
        repo = Repository.openForWriting(vault, "test", true);
    }

    /** Takes snapshot {@code name} (null: by date) of the sources as if it were {@code now}, UTC, with {@code workers}. */
    protected Snapshotter.Result snapshotAt(Instant now, String name, int workers, Source... sources) throws IOException {
        Snapshotter s = new Snapshotter(repo, Clock.fixed(now, ZoneOffset.UTC), new ProgressListener() {
            @Override
            public void problem(Severity severity, String path, String message) {
                problems.add(severity + " " + path + ": " + message);
            }
        });
        return s.run(List.of(sources), new Snapshotter.Options(name, "yyyy-MM-dd", ZoneOffset.UTC, workers),
                new AtomicBoolean());
    }

    @AfterEach
    void closeVault() throws IOException {
        repo.close();
    }
}
