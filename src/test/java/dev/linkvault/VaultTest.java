package dev.linkvault;

import dev.linkvault.repo.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @BeforeEach
    void openVault() throws IOException {
        src = Files.createDirectory(dir.resolve("src"));
        vault = dir.resolve("vault");
        Repository.init(vault);
        repo = Repository.openForWriting(vault, "test", true);
    }

    @AfterEach
    void closeVault() throws IOException {
        repo.close();
    }
}
