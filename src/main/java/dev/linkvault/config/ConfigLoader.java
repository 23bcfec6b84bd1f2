package dev.linkvault.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.linkvault.UserError;
import dev.linkvault.source.PathFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the YAML config into a {@link Config}; every mistake is one {@link UserError} naming the key and the fix. */
public final class ConfigLoader {
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+@-]{0,99}");
    private static final Set<String> TOP_KEYS = Set.of("repository", "snapshot-name", "workers", "sources", "retention",
            "max-error-ratio", "shrink-guard", "notify", "metrics-file");
    private static final Set<String> NOTIFY_KEYS = Set.of("healthchecks", "command");
    private static final Set<String> RETENTION_KEYS = Set.of("keep-last", "keep-hourly", "keep-daily", "keep-weekly",
            "keep-monthly", "keep-yearly", "keep-within");
    private static final Set<String> LOCAL_KEYS = Set.of("type", "name", "path", "include", "ignore",
            "one-file-system");
    private static final Set<String> ICLOUD_KEYS = Set.of("type", "name", "apple-id", "password-env", "password-file",
            "session-dir", "trash", "app-libraries", "include", "ignore", "endpoints", "list-batch", "list-requests");
    private static final Set<String> ENDPOINT_KEYS = Set.of("auth", "setup");
    private static final Set<String> MYCLOUD_KEYS = Set.of("type", "name", "index-db", "files", "trash", "users",
            "include", "ignore");
    private static final Set<String> NEXTCLOUD_KEYS = Set.of("type", "name", "database", "s3", "mappings",
            "trust-checksum");
    private static final Set<String> DATABASE_KEYS = Set.of("url", "user", "password-env", "password-file",
            "table-prefix");
    private static final Set<String> S3_KEYS = Set.of("endpoint", "region", "bucket", "path-style", "access-key-env",
            "access-key-file", "secret-key-env", "secret-key-file", "object-prefix", "multibucket", "num-buckets",
            "sse-c-key-env", "sse-c-key-file");
    private static final Set<String> MAPPING_KEYS = Set.of("user", "storage-id", "groupfolder", "groupfolder-id",
            "groupfolders", "part", "path", "as", "exclude-mimetypes",
            "exclude-mimetype-ids", "include", "ignore");

    private final Path file;

    private ConfigLoader(Path file) {
        this.file = file;
    }

    public static Config load(Path file) {
        return new ConfigLoader(file.toAbsolutePath().normalize()).read();
    }

    private Config read() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError("config file " + file + " does not exist; give the right path with -c FILE");
        } catch (IOException e) {
            throw new UserError("cannot read config file " + file + ": " + dev.linkvault.IoErrors.reasonAndFix(e), e);
        }
        JsonNode root;
        try {
            // A key given twice is an error, as an unknown key is: the last one silently winning
            // hides a mistake (a second 'repository:' pasted from an example, say).
            root = dev.linkvault.JsonTree.read(YAMLFactory.builder()
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build(), text);
        } catch (JsonProcessingException e) {
            String dup = e.getOriginalMessage();
            if (dup != null && dup.startsWith("Duplicate field")) {
                String key = dup.replaceAll("^Duplicate field '([^']*)'.*$", "$1");
                String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
                throw new UserError("config " + file + ": key '" + key + "' is given twice" + where
                        + "; keep one of them");
            }
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            // The YAML parser's message spans several lines with a drawing of the spot: keep the words.
            String words = e.getOriginalMessage().lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.equals("^"))
                    .reduce((a, b) -> a + "; " + b).orElse("unreadable");
            throw new UserError("config " + file + " is not valid YAML" + where + ": " + words);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // parsing a string reads nothing
        }
        if (root == null || !root.isObject()) {
            throw fail("", "the file must be a YAML mapping with at least 'sources:'");
        }
        checkKeys(root, "", TOP_KEYS);
        Path repository = root.has("repository") ? path(root, "repository", "") : null;
        String pattern = root.has("snapshot-name") ? text(root, "snapshot-name", "") : Config.DEFAULT_SNAPSHOT_NAME;
        try {
            if (!pattern.equals(Config.DEFAULT_SNAPSHOT_NAME)) { // the default is known good: no java.time formatting at start
                DateTimeFormatter.ofPattern(pattern);
            }
        } catch (IllegalArgumentException e) {
            throw fail("snapshot-name", "'" + pattern + "' is not a date pattern (" + e.getMessage()
                    + "); for example yyyy-MM-dd");
        }
        int workers = 0;
        if (root.has("workers")) {
            JsonNode w = root.get("workers");
            if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() < 1 || w.asInt() > 256) {
                throw fail("workers", "must be a whole number from 1 to 256");
            }
            workers = w.asInt();
        }
        double maxErrorRatio = ratio(root, "max-error-ratio", Config.DEFAULT_MAX_ERROR_RATIO,
                "the share of files with errors above which a snapshot is 'failed'");
        double shrinkGuard = ratio(root, "shrink-guard", Config.DEFAULT_SHRINK_GUARD,
                "a source with fewer than this share of the files of the last complete snapshot stops the run; 0 turns"
                        + " the guard off");
        JsonNode list = root.get("sources");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw fail("sources", "give a list with at least one source, for example:"
                    + " sources: [{type: local, name: docs, path: /home/alice/Documents}]");
        }
        List<SourceConfig> sources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> folders = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            SourceConfig s = source(list.get(i), "sources[" + i + "]");
            if (!names.add(s.name())) {
                throw fail("sources[" + i + "].name", "'" + s.name() + "' is used by two sources; names must differ");
            }
            for (String f : s.topFolders()) {
                if (!folders.add(f)) {
                    throw fail("sources[" + i + "]", "the folder '" + f + "' would be filled by two sources or"
                            + " mappings; give them different names");
                }
            }
            sources.add(s);
        }
        return new Config(file, repository, pattern, workers, List.copyOf(sources), retention(root.get("retention")),
                maxErrorRatio, shrinkGuard, notify(root.get("notify")),
                root.has("metrics-file") ? path(root, "metrics-file", "") : null);
    }

    /** An optional block of known keys: null when absent, else checked to be a mapping of them. */
    private JsonNode block(JsonNode n, String key, Set<String> keys, String example) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw fail(key, "must be a mapping, for example " + example);
        }
        checkKeys(n, key, keys);
        return n;
    }

    private Config.Notify notify(JsonNode block) {
        JsonNode n = block(block, "notify", NOTIFY_KEYS, "{healthchecks: 'https://hc-ping.com/<uuid>'}");
        if (n == null) {
            return null;
        }
        String hc = n.has("healthchecks") ? text(n, "healthchecks", "notify") : null;
        if (hc != null && !hc.matches("https?://\\S+")) {
            throw fail("notify.healthchecks", "'" + hc + "' is not an http(s) URL; give the check's ping URL");
        }
        List<String> command = strings(n, "command", "notify");
        return new Config.Notify(hc == null ? null : hc.replaceAll("/+$", ""), command);
    }

    private Config.RetentionConfig retention(JsonNode block) {
        JsonNode n = block(block, "retention", RETENTION_KEYS, "{keep-daily: 7, keep-weekly: 4}");
        if (n == null) {
            return null;
        }
        int[] v = new int[6];
        String[] keys = {"keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"};
        for (int i = 0; i < keys.length; i++) {
            JsonNode k = n.get(keys[i]);
            if (k != null) {
                if (!k.isIntegralNumber() || k.asInt() < 0) {
                    throw fail("retention." + keys[i], "must be a whole number, 0 or more");
                }
                v[i] = k.asInt();
            }
        }
        String within = n.has("keep-within") ? text(n, "keep-within", "retention") : null;
        if (within != null && !within.matches("(\\d+y)?(\\d+m)?(\\d+d)?(\\d+h)?")) {
            throw fail("retention.keep-within", "'" + within + "' is not a duration like 7d, 2m15d or 1y6m (y, m, d, h)");
        }
        return new Config.RetentionConfig(v[0], v[1], v[2], v[3], v[4], v[5], within);
    }

    /** A share from 0 to 1 under {@code key}, else {@code otherwise}. */
    private double ratio(JsonNode root, String key, double otherwise, String meaning) {
        JsonNode r = root.get(key);
        if (r == null) {
            return otherwise;
        }
        if (!r.isNumber() || r.asDouble() < 0 || r.asDouble() > 1) {
            throw fail(key, "must be a number from 0 to 1 (" + meaning + "; default " + otherwise + ")");
        }
        return r.asDouble();
    }

    private SourceConfig source(JsonNode n, String at) {
        if (n == null || !n.isObject()) {
            throw fail(at, "each source is a mapping with type, name and its settings");
        }
        String type = text(n, "type", at);
        String name = text(n, "name", at);
        if (!SOURCE_NAME.matcher(name).matches()) {
            throw fail(at + ".name", "'" + name + "' is not usable as a folder name: use letters, digits and . _ + @ -");
        }
        switch (type) {
            case "local" -> {
                checkKeys(n, at, LOCAL_KEYS);
                List<String> include = strings(n, "include", at);
                List<String> ignore = patterns(n, include, at);
                JsonNode oneFs = n.get("one-file-system");
                if (oneFs != null && !oneFs.isBoolean()) {
                    throw fail(at + ".one-file-system", "must be true or false");
                }
                return new SourceConfig.Local(name, path(n, "path", at), include, ignore,
                        oneFs != null && oneFs.asBoolean());
            }
            case "mycloud" -> {
                checkKeys(n, at, MYCLOUD_KEYS);
                List<String> include = strings(n, "include", at);
                List<String> ignore = patterns(n, include, at);
                JsonNode trash = n.get("trash");
                if (trash != null && !trash.isBoolean()) {
                    throw fail(at + ".trash", "must be true or false");
                }
                return new SourceConfig.Mycloud(name, path(n, "index-db", at), path(n, "files", at),
                        trash != null && trash.asBoolean(), strings(n, "users", at), include, ignore);
            }
            case "icloud" -> {
                checkKeys(n, at, ICLOUD_KEYS);
                List<String> include = strings(n, "include", at);
                List<String> ignore = patterns(n, include, at);
                String appleId = text(n, "apple-id", at);
                if (!appleId.matches("[^\\s@]+@[^\\s@]+|\\+?[0-9 ()-]{6,}")) {
                    throw fail(at + ".apple-id", "'" + appleId + "' is not an Apple ID (an e-mail address or a phone number)");
                }
                Path sessions = n.has("session-dir") ? path(n, "session-dir", at)
                        : Path.of(System.getProperty("user.home"), ".local/state/linkvault/icloud");
                String auth = null;
                String setup = null;
                JsonNode ep = n.get("endpoints");
                if (ep != null) {
                    if (!ep.isObject()) {
                        throw fail(at + ".endpoints", "must be a mapping: {auth: URL, setup: URL}");
                    }
                    checkKeys(ep, at + ".endpoints", ENDPOINT_KEYS);
                    auth = ep.has("auth") ? text(ep, "auth", at + ".endpoints") : null;
                    setup = ep.has("setup") ? text(ep, "setup", at + ".endpoints") : null;
                    for (String[] e : new String[][] {{"auth", auth}, {"setup", setup}}) {
                        if (e[1] != null) {
                            try {
                                dev.linkvault.source.icloud.IcloudClient.Endpoints.check(e[1]);
                            } catch (IllegalArgumentException bad) {
                                throw fail(at + ".endpoints." + e[0], bad.getMessage());
                            }
                        }
                    }
                }
                return new SourceConfig.Icloud(name, appleId, secret(n, "password", at), sessions,
                        bool(n, "trash", false, at), bool(n, "app-libraries", true, at), include, ignore, auth, setup,
                        count(n, "list-batch", 10, 100, at), count(n, "list-requests", 4, 16, at));
            }
            case "nextcloud" -> {
                checkKeys(n, at, NEXTCLOUD_KEYS);
                JsonNode trust = n.get("trust-checksum");
                if (trust != null && !trust.isBoolean()) {
                    throw fail(at + ".trust-checksum", "must be true or false");
                }
                return new SourceConfig.Nextcloud(name, database(object(n, "database", at), at + ".database"),
                        s3(object(n, "s3", at), at + ".s3"), mappings(n.get("mappings"), at + ".mappings"),
                        trust != null && trust.asBoolean());
            }
            default -> throw fail(at + ".type", "'" + type + "' is not a source type this version knows;"
                    + " use: local, nextcloud, mycloud, icloud");
        }
    }

    private boolean bool(JsonNode n, String key, boolean otherwise, String at) {
        JsonNode v = n.get(key);
        if (v == null) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw fail(at + "." + key, "must be true or false");
        }
        return v.asBoolean();
    }

    /** A whole number from 1 to {@code max}, else {@code otherwise}. */
    private int count(JsonNode n, String key, int otherwise, int max, String at) {
        JsonNode v = n.get(key);
        if (v == null) {
            return otherwise;
        }
        if (!v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > max) {
            throw fail(at + "." + key, "must be a whole number from 1 to " + max + " (default " + otherwise + ")");
        }
        return v.asInt();
    }

    private JsonNode object(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || !v.isObject()) {
            throw fail(join(at, key), v == null ? "is missing" : "must be a mapping of settings");
        }
        return v;
    }

    private SourceConfig.Database database(JsonNode n, String at) {
        checkKeys(n, at, DATABASE_KEYS);
        String url = text(n, "url", at);
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mariadb:") && !url.startsWith("jdbc:mysql:")
                && !url.startsWith("jdbc:sqlite:")) {
            throw fail(at + ".url", "'" + url + "' is not a JDBC URL of PostgreSQL, MariaDB/MySQL or SQLite"
                    + " (jdbc:postgresql://host/db, jdbc:mariadb://host/db, jdbc:mysql://host/db, jdbc:sqlite:/path)");
        }
        String prefix = n.has("table-prefix") ? n.get("table-prefix").asText() : "oc_";
        if (!prefix.matches("[A-Za-z0-9_]*")) {
            throw fail(at + ".table-prefix", "'" + prefix + "' may hold only letters, digits and _");
        }
        return new SourceConfig.Database(url, n.has("user") ? text(n, "user", at) : null,
                secret(n, "password", at), prefix);
    }

    private SourceConfig.S3 s3(JsonNode n, String at) {
        checkKeys(n, at, S3_KEYS);
        String endpoint = n.has("endpoint") ? text(n, "endpoint", at) : null;
        if (endpoint != null && !endpoint.matches("https?://.+")) {
            throw fail(at + ".endpoint", "'" + endpoint + "' must start with http:// or https://");
        }
        SourceConfig.Secret access = secret(n, "access-key", at);
        SourceConfig.Secret secretKey = secret(n, "secret-key", at);
        if (access.isSet() != secretKey.isSet()) {
            throw fail(at, "give both access-key-env/-file and secret-key-env/-file, or neither (then the AWS"
                    + " SDK's default credential chain is used)");
        }
        int buckets = n.has("num-buckets") ? n.get("num-buckets").asInt(-1) : 64;
        if (buckets < 1) {
            throw fail(at + ".num-buckets", "must be a whole number, 1 or more");
        }
        return new SourceConfig.S3(endpoint, n.has("region") ? text(n, "region", at) : "us-east-1",
                text(n, "bucket", at), n.path("path-style").asBoolean(false), access, secretKey,
                n.has("object-prefix") ? n.get("object-prefix").asText() : "urn:oid:",
                n.path("multibucket").asBoolean(false), buckets, secret(n, "sse-c-key", at));
    }

    private List<SourceConfig.Mapping> mappings(JsonNode list, String at) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw fail(at, "give a list with at least one mapping, for example: [{user: alice, as: alice}]");
        }
        List<SourceConfig.Mapping> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String here = at + "[" + i + "]";
            if (!m.isObject()) {
                throw fail(here, "each mapping is a mapping with user (or storage-id) and as");
            }
            checkKeys(m, here, MAPPING_KEYS);
            String user = m.has("user") ? text(m, "user", here) : null;
            Long storage = null;
            if (m.has("storage-id")) {
                if (!m.get("storage-id").isIntegralNumber()) {
                    throw fail(here + ".storage-id", "must be the numeric id of oc_storages");
                }
                storage = m.get("storage-id").asLong();
            }
            String groupfolder = m.has("groupfolder") ? text(m, "groupfolder", here) : null;
            Long groupfolderId = null;
            if (m.has("groupfolder-id")) {
                if (!m.get("groupfolder-id").isIntegralNumber()) {
                    throw fail(here + ".groupfolder-id", "must be the numeric folder_id of oc_group_folders");
                }
                groupfolderId = m.get("groupfolder-id").asLong();
            }
            boolean all = false;
            if (m.has("groupfolders")) {
                if (!"all".equals(m.get("groupfolders").asText())) {
                    throw fail(here + ".groupfolders", "the one value is 'all' (each group folder under <as>/<mount point>)");
                }
                all = true;
            }
            int kinds = (user != null ? 1 : 0) + (storage != null ? 1 : 0) + (groupfolder != null ? 1 : 0)
                    + (groupfolderId != null ? 1 : 0) + (all ? 1 : 0);
            if (kinds != 1) {
                throw fail(here, "give one of user (a Nextcloud user id), storage-id, groupfolder (a mount point),"
                        + " groupfolder-id, or groupfolders: all");
            }
            boolean group = groupfolder != null || groupfolderId != null || all;
            String part = m.has("part") ? m.get("part").asText() : "files";
            if (!group && m.has("part")) {
                throw fail(here + ".part", "is for group folders; for a user's trash or versions give path: files_trashbin/"
                        + " or files_versions/");
            }
            if (!java.util.List.of("files", "trash", "versions").contains(part)) {
                throw fail(here + ".part", "'" + part + "': give files (default), trash or versions");
            }
            if (group && m.has("path")) {
                throw fail(here + ".path", "a group folder's place is found in the database; use part: trash or"
                        + " part: versions for those, and include/ignore to narrow it");
            }
            String path = m.has("path") ? m.get("path").asText() : "files/";
            if (!path.isEmpty() && !path.endsWith("/")) {
                path = path + "/";
            }
            String as = text(m, "as", here);
            if (!SOURCE_NAME.matcher(as).matches()) {
                throw fail(here + ".as", "'" + as + "' is not usable as a folder name: use letters, digits and . _ + @ -");
            }
            List<String> include = strings(m, "include", here);
            List<String> ignore = patterns(m, include, here);
            List<Long> ids = new ArrayList<>();
            for (String id : strings(m, "exclude-mimetype-ids", here)) {
                try {
                    ids.add(Long.parseLong(id));
                } catch (NumberFormatException e) {
                    throw fail(here + ".exclude-mimetype-ids", "'" + id + "' is not a number (ids of oc_mimetypes)");
                }
            }
            out.add(new SourceConfig.Mapping(user, storage, path, as, strings(m, "exclude-mimetypes", here),
                    List.copyOf(ids), include, ignore, groupfolder, groupfolderId, all, part));
        }
        return List.copyOf(out);
    }

    /** The {@code ignore:} list, once it and {@code include} are known to compile as patterns. */
    private List<String> patterns(JsonNode n, List<String> include, String at) {
        List<String> ignore = strings(n, "ignore", at);
        try {
            PathFilter.of(include, ignore);
        } catch (IllegalArgumentException e) {
            throw fail(at, e.getMessage());
        }
        return ignore;
    }

    /** {@code <key>-env} or {@code <key>-file}, not both. */
    private SourceConfig.Secret secret(JsonNode n, String key, String at) {
        String env = n.has(key + "-env") ? text(n, key + "-env", at) : null;
        Path f = n.has(key + "-file") ? path(n, key + "-file", at) : null;
        if (env != null && f != null) {
            throw fail(join(at, key + "-env"), "give " + key + "-env or " + key + "-file, not both");
        }
        return env == null && f == null ? SourceConfig.Secret.NONE : new SourceConfig.Secret(env, f);
    }

    private void checkKeys(JsonNode n, String at, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw fail(join(at, k), "unknown setting; allowed here: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private String text(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw fail(join(at, key), "is missing");
        }
        if (!v.isValueNode() || v.asText().isBlank()) {
            throw fail(join(at, key), "must be a non-empty text");
        }
        return v.asText();
    }

    private Path path(JsonNode n, String key, String at) {
        String s = text(n, key, at);
        if (s.startsWith("~/")) {
            s = System.getProperty("user.home") + s.substring(1);
        }
        return file.getParent().resolve(s).normalize();
    }

    private List<String> strings(JsonNode n, String key, String at) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw fail(join(at, key), "must be a list, for example: ['.*\\.tmp$']");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isValueNode()) {
                throw fail(join(at, key), "must be a list of texts");
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    private static String join(String at, String key) {
        return at.isEmpty() ? key : at + "." + key;
    }

    private UserError fail(String at, String message) {
        return new UserError("config " + file + (at.isEmpty() ? "" : ": " + at) + ": " + message);
    }
}
