package dev.linkvault.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.linkvault.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a config of nextcloud-s3-backup (backup_date_format, excluded_mimetype_ids, mapping:
 * storage_id, user_name, bucket, nextcloud_path, backup_root_path) into a linkvault config, so
 * its users switch in one step and keep their repository. That tool took the database and S3
 * settings on its command line; they are given here as options or left for the user to fill.
 */
public final class PythonToolConfig {
    private PythonToolConfig() {}

    /** What the Python tool's command line held; null parts become placeholders to edit. */
    public record Connection(String dbUrl, String dbUser, String s3Endpoint, String s3Region) {}

    public static String convert(Path file, Connection conn) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UserError("cannot read " + file + " as a nextcloud-s3-backup config: " + e.getMessage().lines()
                    .findFirst().orElse(""));
        }
        if (root == null || !root.has("mapping") || !root.get("mapping").isArray() || root.get("mapping").isEmpty()) {
            throw new UserError(file + " has no 'mapping:' list; is it a nextcloud-s3-backup config?");
        }
        Set<String> roots = new LinkedHashSet<>();
        Set<String> buckets = new LinkedHashSet<>();
        for (JsonNode m : root.get("mapping")) {
            roots.add(m.path("backup_root_path").asText("."));
            buckets.add(bucket(m.path("bucket").asText("")));
        }
        if (roots.size() > 1) {
            throw new UserError(file + " backs up into " + roots.size() + " roots " + roots + "; a linkvault config has"
                    + " one repository: split the mappings into one config per backup_root_path and import each");
        }
        if (buckets.size() > 1 || buckets.contains("")) {
            throw new UserError(file + " names buckets " + buckets + "; a nextcloud source reads one bucket (or"
                    + " multibucket): split the mappings by bucket and import each");
        }
        List<Long> excluded = new ArrayList<>();
        for (JsonNode id : root.path("excluded_mimetype_ids")) {
            excluded.add(id.asLong());
        }
        StringBuilder y = new StringBuilder();
        y.append("# Imported from ").append(file.getFileName()).append(" (nextcloud-s3-backup). The repository is the same:\n")
                .append("# linkvault adopts it with `linkvault init --adopt ").append(roots.iterator().next()).append("`.\n")
                .append("# Note: that tool put files under snapshots/<date>/<user_name>/<full Nextcloud path>;\n")
                .append("# linkvault puts them under snapshots/<date>/<as>/<path below the mapping's prefix>.\n");
        y.append("repository: ").append(quote(roots.iterator().next())).append('\n');
        y.append("snapshot-name: ").append(quote(dateFormat(root.path("backup_date_format").asText("%y%m%d-%H%M"))))
                .append('\n');
        y.append("sources:\n  - type: nextcloud\n    name: nextcloud\n    database:\n");
        y.append("      url: ").append(conn.dbUrl() != null ? quote(conn.dbUrl())
                : "jdbc:postgresql://CHANGE-ME/nextcloud   # was --pg-dsn").append('\n');
        y.append("      user: ").append(conn.dbUser() != null ? quote(conn.dbUser()) : "CHANGE-ME").append('\n');
        y.append("      password-env: NC_DB_PASSWORD\n");
        y.append("    s3:\n");
        y.append("      endpoint: ").append(quote(conn.s3Endpoint() != null ? conn.s3Endpoint()
                : "https://s3.fr-par.scw.cloud")).append("   # the tool's default for --s3-endpoint-url\n");
        y.append("      region: ").append(quote(conn.s3Region() != null ? conn.s3Region() : "fr-par")).append('\n');
        y.append("      bucket: ").append(quote(buckets.iterator().next())).append('\n');
        y.append("      access-key-env: AWS_ACCESS_KEY_ID     # was --s3-access-key\n");
        y.append("      secret-key-env: AWS_SECRET_ACCESS_KEY # was --s3-secret-key\n");
        y.append("    mappings:\n");
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode m : root.get("mapping")) {
            String as = m.path("user_name").asText("storage" + m.path("storage_id").asText());
            String unique = as;
            for (int i = 2; !names.add(unique); i++) {
                unique = as + "_" + i;
            }
            y.append("      - storage-id: ").append(m.path("storage_id").asLong()).append('\n');
            y.append("        path: ").append(quote(m.path("nextcloud_path").asText(""))).append('\n');
            y.append("        as: ").append(quote(unique)).append('\n');
            if (!excluded.isEmpty()) {
                y.append("        exclude-mimetype-ids: ").append(excluded).append('\n');
            }
        }
        return y.toString();
    }

    static String bucket(String s3uri) {
        String b = s3uri.replaceFirst("^s3://", "");
        int slash = b.indexOf('/');
        return slash < 0 ? b : b.substring(0, slash);
    }

    /** strftime, as the Python tool used it, into a java.time pattern. */
    static String dateFormat(String strftime) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < strftime.length(); i++) {
            char c = strftime.charAt(i);
            if (c != '%' || i + 1 == strftime.length()) {
                literal.append(c);
                continue;
            }
            String p = switch (strftime.charAt(++i)) {
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'm' -> "MM";
                case 'd' -> "dd";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'j' -> "DDD";
                case '%' -> null;
                default -> throw new UserError("backup_date_format '" + strftime + "': %" + strftime.charAt(i)
                        + " has no linkvault equivalent; set snapshot-name by hand");
            };
            if (p == null) {
                literal.append('%');
                continue;
            }
            flush(literal, out);
            out.append(p);
        }
        flush(literal, out);
        return out.toString();
    }

    private static void flush(StringBuilder literal, StringBuilder out) {
        if (literal.length() > 0) {
            String l = literal.toString();
            out.append(l.matches("[-_.: ]+") ? l : "'" + l.replace("'", "''") + "'");
            literal.setLength(0);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
