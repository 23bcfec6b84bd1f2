package dev.linkvault.config;

import java.nio.file.Path;
import java.util.List;

/** One entry of the config's {@code sources:} list. */
public sealed interface SourceConfig {
    /** The source's name, unique in the config. */
    String name();

    /** The folders this source fills directly under each snapshot folder; unique across sources. */
    List<String> topFolders();

    /** {@code type: local}: a folder on this machine. */
    record Local(String name, Path path, List<String> include, List<String> ignore, boolean oneFileSystem)
            implements SourceConfig {
        @Override
        public List<String> topFolders() {
            return List.of(name);
        }
    }

    /**
     * {@code type: nextcloud}: a Nextcloud whose files are in S3 primary storage.
     *
     * @param trustChecksum link a row the catalog does not know to the stored blob its checksum
     *                      column's SHA-1 names, without a download (off by default: a stale column
     *                      would link the wrong content)
     */
    record Nextcloud(String name, Database database, S3 s3, List<Mapping> mappings, boolean trustChecksum)
            implements SourceConfig {
        public Nextcloud(String name, Database database, S3 s3, List<Mapping> mappings) {
            this(name, database, s3, mappings, false);
        }

        @Override
        public List<String> topFolders() {
            return mappings.stream().map(Mapping::as).toList();
        }
    }

    /**
     * {@code type: mycloud}: a WD MyCloud restsdk dump, names in {@code index.db}, bytes in {@code files/}.
     *
     * @param users user roots to take (by name, such as {@code auth0|5e62...}, or id); empty = all
     */
    record Mycloud(String name, Path indexDb, Path files, boolean trash, List<String> users, List<String> include,
                   List<String> ignore) implements SourceConfig {
        @Override
        public List<String> topFolders() {
            return List.of(name);
        }
    }

    /**
     * {@code type: icloud}: an iCloud Drive through Apple's web service.
     *
     * @param sessionDir   where the login's cookies and trust token are kept (0700)
     * @param auth         Apple's login host (idmsa), for tests and Apple's China hosts
     * @param setup        Apple's account host (setup.icloud.com)
     * @param listBatch    folders asked for in one listing request
     * @param listRequests listing requests at once
     */
    record Icloud(String name, String appleId, Secret password, Path sessionDir, boolean trash, boolean appLibraries,
                  List<String> include, List<String> ignore, String auth, String setup, int listBatch,
                  int listRequests) implements SourceConfig {
        @Override
        public List<String> topFolders() {
            return List.of(name);
        }
    }

    /** Where Nextcloud's database is; the password is read only when connecting. */
    record Database(String url, String user, Secret password, String tablePrefix) {}

    /** Nextcloud's S3 settings, with the names of its config.php where they exist. */
    record S3(String endpoint, String region, String bucket, boolean pathStyle, Secret accessKey, Secret secretKey,
              String objectPrefix, boolean multibucket, int numBuckets, Secret sseCKey) {}

    /**
     * One user's tree (or a storage's), put under {@code as} in every snapshot.
     *
     * @param storageId a numeric storage id, or null when {@code user} names the storage
     * @param path      the prefix inside the storage, ending in '/' (default {@code files/})
     */
    /**
     * One tree of a Nextcloud: a user's or a storage's below {@code path}, or a group folder's
     * ({@code groupfolder} by mount point, {@code groupfolderId}, or every one with
     * {@code allGroupfolders}; {@code part} is files, trash or versions).
     */
    record Mapping(String user, Long storageId, String path, String as, List<String> excludeMimetypes,
                   List<Long> excludeMimetypeIds, List<String> include, List<String> ignore, String groupfolder,
                   Long groupfolderId, boolean allGroupfolders, String part) {
        public Mapping(String user, Long storageId, String path, String as, List<String> excludeMimetypes,
                       List<Long> excludeMimetypeIds, List<String> include, List<String> ignore) {
            this(user, storageId, path, as, excludeMimetypes, excludeMimetypeIds, include, ignore, null, null, false, "files");
        }

        public boolean isGroupfolder() {
            return groupfolder != null || groupfolderId != null || allGroupfolders;
        }
    }

    /** A secret named by where to find it (environment variable or file), never by its value. */
    record Secret(String env, Path file) {
        public static final Secret NONE = new Secret(null, null);

        public boolean isSet() {
            return env != null || file != null;
        }
    }
}
