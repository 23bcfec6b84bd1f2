package dev.linkvault.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Config load(String yaml) throws IOException {
        Path f = dir.resolve("vault.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f);
    }

    @Test
    void theNextcloudConfigOfTheDocsWorksAsWritten() throws IOException {
        Config c = load("""
                repository: /srv/vault
                sources:
                  - type: nextcloud
                    name: nc
                    database:
                      url: jdbc:postgresql://db.example/nextcloud   # also jdbc:mariadb://, jdbc:mysql://, jdbc:sqlite:
                      user: backup
                      password-env: NC_DB_PASSWORD                 # or password-file:
                      table-prefix: oc_                            # default oc_
                    s3:
                      endpoint: https://s3.example                 # omit for AWS
                      region: eu-west-1
                      bucket: nextcloud
                      path-style: true
                      access-key-env: AWS_ACCESS_KEY_ID            # default: the AWS SDK's default credential chain
                      secret-key-env: AWS_SECRET_ACCESS_KEY
                      # object-prefix: 'urn:oid:'   multibucket: true   num-buckets: 64   sse-c-key-env: NC_SSE_C_KEY
                    mappings:
                      - user: alice                 # storage 'object::user:alice'; or storage-id: 7
                        path: files/                # prefix inside that storage (default files/)
                        as: alice                   # snapshots/<name>/alice/<path relative to the prefix>
                        # exclude-mimetypes: [video/*]  include: [...]  ignore: [...]
                """);
        SourceConfig.Nextcloud n = (SourceConfig.Nextcloud) c.sources().get(0);
        assertEquals("jdbc:postgresql://db.example/nextcloud", n.database().url());
        assertEquals("NC_DB_PASSWORD", n.database().password().env());
        assertEquals("urn:oid:", n.s3().objectPrefix());
        assertTrue(n.s3().pathStyle());
        assertEquals("AWS_ACCESS_KEY_ID", n.s3().accessKey().env());
        assertEquals(List.of("alice"), n.topFolders());
        assertEquals("files/", n.mappings().get(0).path());
    }

    @Test
    void nextcloudMistakesNameTheKey() {
        String base = "sources:\n  - type: nextcloud\n    name: nc\n";
        String db = "    database: {url: 'jdbc:sqlite:/x.db'}\n";
        String s3 = "    s3: {bucket: b}\n";
        String[][] cases = {
            {base + s3 + "    mappings: [{user: a, as: a}]\n", "sources[0].database: is missing"},
            {base + "    database: {url: 'postgres://x'}\n" + s3 + "    mappings: [{user: a, as: a}]\n", "is not a JDBC URL"},
            {base + db + "    s3: {bucket: b, access-key-env: A}\n    mappings: [{user: a, as: a}]\n", "give both access-key"},
            {base + db + s3 + "    mappings: [{user: a}]\n", "mappings[0].as: is missing"},
            {base + db + s3 + "    mappings: [{user: a, storage-id: 3, as: a}]\n", "give one of user"},
            {base + db + s3 + "    mappings: [{groupfolder: Team, groupfolder-id: 3, as: a}]\n", "give one of user"},
            {base + db + s3 + "    mappings: [{groupfolders: some, as: a}]\n", "groupfolders: the one value is 'all'"},
            {base + db + s3 + "    mappings: [{groupfolder: Team, part: bin, as: a}]\n", "part: 'bin': give files"},
            {base + db + s3 + "    mappings: [{groupfolder: Team, path: x/, as: a}]\n", "mappings[0].path: a group folder's"},
            {base + db + s3 + "    mappings: [{user: a, part: trash, as: a}]\n", "part: is for group folders"},
            {base + db + "    s3: {bucket: b, password-env: X}\n    mappings: [{user: a, as: a}]\n", "s3.password-env: unknown setting"},
            {base + db + s3 + "    mappings: [{user: a, as: docs}]\n  - {type: local, name: docs, path: x}\n",
                "the folder 'docs' would be filled by two sources"},
        };
        for (String[] c : cases) {
            UserError e = assertThrows(UserError.class, () -> load(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), "expected '" + c[1] + "' in: " + e.getMessage());
        }
    }

    @Test
    void anIcloudSourceAndItsMistakes() throws IOException {
        Config c = load("""
                repository: /srv/vault
                sources:
                  - {type: icloud, name: icloud, apple-id: alice@example.com, password-env: ICLOUD_PASSWORD,
                     session-dir: sessions, trash: true, list-batch: 20}
                """);
        SourceConfig.Icloud i = (SourceConfig.Icloud) c.sources().get(0);
        assertEquals("alice@example.com", i.appleId());
        assertEquals(dir.resolve("sessions"), i.sessionDir());
        assertTrue(i.trash() && i.appLibraries());
        assertEquals(20, i.listBatch());
        assertEquals(4, i.listRequests());
        assertEquals(null, i.auth(), "Apple's own hosts by default");
        String[][] bad = {
            {"apple-id: alice", "apple-id: 'alice' is not an Apple ID"},
            {"apple-id: a@b.c, endpoints: {auth: 'http://idmsa.example/auth'}", "plain http:// only to 127.0.0.1"},
            {"apple-id: a@b.c, list-requests: 0", "list-requests: must be a whole number from 1 to 16"},
            {"apple-id: a@b.c, app-libraries: sometimes", "app-libraries: must be true or false"},
            {"apple-id: a@b.c, endpoints: {drive: 'https://x'}", "endpoints.drive: unknown setting"},
        };
        for (String[] b : bad) {
            UserError e = assertThrows(UserError.class, () -> load("repository: /srv/vault\nsources:\n"
                    + "  - {type: icloud, name: icloud, " + b[0] + "}\n"));
            assertTrue(e.getMessage().contains(b[1]), b[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void everyExampleConfigLoads() throws IOException {
        Path examples = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && examples == null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples")) && Files.exists(p.resolve("pom.xml"))) {
                examples = p.resolve("examples");
            }
        }
        int n = 0;
        try (var s = Files.list(examples)) {
            for (Path y : s.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                ConfigLoader.load(y);
                n++;
            }
        }
        assertTrue(n >= 2, "found " + n + " example configs");
    }

    @Test
    void aRetentionBlockIsRead() throws IOException {
        Config c = load("sources: [{type: local, name: d, path: x}]\nretention: {keep-daily: 7, keep-within: 2m}\n");
        assertEquals(7, c.retention().daily());
        assertEquals("2m", c.retention().within());
        assertThrows(UserError.class, () -> load("sources: [{type: local, name: d, path: x}]\nretention: {keep-daily: -1}\n"));
    }

    @Test
    void theGuardsAreSharesFromZeroToOne() throws IOException {
        String base = "repository: /srv/vault\nsources:\n  - {type: local, name: d, path: /tmp}\n";
        Config c = load(base + "max-error-ratio: 0.2\nshrink-guard: 0\n");
        assertEquals(0.2, c.maxErrorRatio());
        assertEquals(0.0, c.shrinkGuard());
        Config d = load(base);
        assertEquals(0.5, d.maxErrorRatio());
        assertEquals(0.5, d.shrinkGuard());
        UserError e = assertThrows(UserError.class, () -> load(base + "shrink-guard: 2\n"));
        assertTrue(e.getMessage().contains("shrink-guard") && e.getMessage().contains("from 0 to 1"), e.getMessage());
    }
}
