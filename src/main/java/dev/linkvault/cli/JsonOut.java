package dev.linkvault.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.repo.Manifest;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON every command prints under --json: one object per line, field names in snake_case. */
final class JsonOut {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonOut() {}

    static String of(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A manifest line as JSON: {@code type}, {@code path}, {@code size}, {@code mode}, {@code mtime}, {@code sha1}, {@code target}. */
    static Map<String, Object> item(Manifest.Item it) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", type(it.type()));
        o.put("path", it.path());
        o.put("size", it.size());
        o.put("mode", String.format("%04o", it.mode()));
        o.put("mtime", it.mtime().toString());
        if (it.blob() != null) {
            o.put("sha1", it.blob());
        }
        if (it.target() != null) {
            o.put("target", it.target());
        }
        return o;
    }

    static String type(Manifest.Type t) {
        return switch (t) {
            case FILE -> "file";
            case DIR -> "dir";
            case SYMLINK -> "symlink";
        };
    }
}
