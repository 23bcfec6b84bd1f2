package dev.linkvault.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.linkvault.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonToolConfigTest {
    @TempDir
    Path dir;

    @Test
    void aNextcloudS3BackupConfigBecomesALinkvaultConfigThatLoads() throws IOException {
        Path old = dir.resolve("nc-backup.yaml");
        Files.writeString(old, """
                backup_date_format: "%y%m%d-%H%M"
                excluded_mimetype_ids: [15, 84]
                mapping:
                  - {backup_root_path: /srv/nc-backup, bucket: 's3://nextcloud-data/', nextcloud_path: '', storage_id: 2, user_name: alice}
                  - {backup_root_path: /srv/nc-backup, bucket: 's3://nextcloud-data/', nextcloud_path: files/projects/, storage_id: 3, user_name: bob}
                  - {backup_root_path: /srv/nc-backup, bucket: 's3://nextcloud-data/', nextcloud_path: files/HR/, storage_id: 3, user_name: bob}
                """);
        String yaml = PythonToolConfig.convert(old, new PythonToolConfig.Connection("jdbc:postgresql://db/nextcloud",
                "backup", null, null));
        Path out = dir.resolve("vault.yaml");
        Files.writeString(out, yaml);
        Config c = ConfigLoader.load(out);
        assertEquals(Path.of("/srv/nc-backup"), c.repository());
        assertEquals("yyMMdd-HHmm", c.snapshotName());
        assertEquals("261121-0315", DateTimeFormatter.ofPattern(c.snapshotName()).format(LocalDateTime.of(2026, 11, 21, 3, 15)),
                "the same folder names as the Python tool made");
        SourceConfig.Nextcloud n = (SourceConfig.Nextcloud) c.sources().get(0);
        assertEquals("jdbc:postgresql://db/nextcloud", n.database().url());
        assertEquals("nextcloud-data", n.s3().bucket());
        assertEquals(List.of("alice", "bob", "bob_2"), n.topFolders());
        assertEquals(3L, n.mappings().get(2).storageId());
        assertEquals("files/HR/", n.mappings().get(2).path());
        assertEquals("", n.mappings().get(0).path());
        assertEquals(List.of(15L, 84L), n.mappings().get(0).excludeMimetypeIds());
    }

    @Test
    void whatLinkvaultCannotHoldInOneConfigIsSaid() throws IOException {
        Path old = dir.resolve("two-roots.yaml");
        Files.writeString(old, "mapping:\n  - {backup_root_path: /a, bucket: 's3://b/', storage_id: 1, user_name: x}\n"
                + "  - {backup_root_path: /c, bucket: 's3://b/', storage_id: 2, user_name: y}\n");
        UserError e = assertThrows(UserError.class, () -> PythonToolConfig.convert(old, new PythonToolConfig.Connection(
                null, null, null, null)));
        assertTrue(e.getMessage().contains("one config per backup_root_path"), e.getMessage());
        assertEquals("yyyy'h'MM", PythonToolConfig.dateFormat("%Yh%m"));
        assertThrows(UserError.class, () -> PythonToolConfig.dateFormat("%A"));
    }
}
