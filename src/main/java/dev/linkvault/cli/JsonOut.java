package dev.linkvault.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.linkvault.repo.Manifest;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON every command prints under --json: one object per line, field names in snake_case. */
final class JsonOut {
    // Records and maps alike come out in snake_case, as restic's JSON does.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);

    private JsonOut() {}

    static String of(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An object with the keys in the order given: {@code obj("a", 1, "b", 2)}. */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return o;
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
