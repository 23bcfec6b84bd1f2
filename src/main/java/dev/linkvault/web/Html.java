package dev.linkvault.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Server-rendered HTML: escaping, links to vault paths, and the page around a body. */
final class Html {
    private Html() {}

    /** Text made safe for HTML content and attribute values. */
    static String h(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\t') {
                        sb.append(String.format("\\x%02x", (int) c)); // a name's control characters, shown as ls shows them
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** One path segment percent-encoded for a URL (everything but unreserved characters). */
    static String seg(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    /** A query value percent-encoded. */
    static String q(String s) {
        return seg(s == null ? "" : s);
    }

    /** {@code /route/SNAPSHOT/a/b}, each part encoded. */
    static String link(String route, String snapshot, String path) {
        StringBuilder sb = new StringBuilder("/").append(route).append('/').append(seg(snapshot));
        if (path != null && !path.isEmpty()) {
            for (String p : path.split("/")) {
                sb.append('/').append(seg(p));
            }
        }
        return sb.toString();
    }

    /** Breadcrumbs: the snapshot, then each folder of {@code path}, each a link to browse it. */
    static String crumbs(String snapshot, String path) {
        StringBuilder sb = new StringBuilder("<nav class=\"crumbs\"><a href=\"/snapshots\">snapshots</a> / ");
        sb.append("<a href=\"").append(link("browse", snapshot, "")).append("\">").append(h(snapshot)).append("</a>");
        if (path != null && !path.isEmpty()) {
            String at = "";
            for (String p : path.split("/")) {
                at = at.isEmpty() ? p : at + "/" + p;
                sb.append(" / <a href=\"").append(link("browse", snapshot, at)).append("\">").append(h(p)).append("</a>");
            }
        }
        return sb.append("</nav>").toString();
    }

    /** The whole page: title, the menu, the body; styles from the jar, no script, nothing from elsewhere. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + h(title) + " - linkvault</title><link rel=\"stylesheet\" href=\"/assets/linkvault.css\"></head>"
                + "<body><header><a class=\"brand\" href=\"/\">linkvault</a>"
                + "<a href=\"/\">Dashboard</a><a href=\"/snapshots\">Snapshots</a>"
                + "<a href=\"/search\">Search</a><a href=\"/diff\">Diff</a></header>"
                + "<main><h1>" + h(title) + "</h1>" + body + "</main></body></html>\n";
    }

    /** A table: header cells, then rows of cells already made HTML. */
    static String table(String id, List<String> head, List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table id=\"" + id + "\"><thead><tr>");
        for (String c : head) {
            sb.append("<th>").append(c).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (String c : r) {
                sb.append("<td>").append(c).append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</tbody></table>").toString();
    }
}
