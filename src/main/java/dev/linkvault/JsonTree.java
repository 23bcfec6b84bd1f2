package dev.linkvault;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * A JSON (or YAML) document read into Jackson's tree straight from the streaming parser, the
 * nodes an {@code ObjectMapper.readTree} makes. An ObjectMapper's first use sets up the whole of
 * data binding, which was a large part of a short command's start (the config, the snapshot
 * summaries of {@code linkvault snapshots}); reading a small document this way costs nothing of it.
 */
public final class JsonTree {
    private JsonTree() {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory JSON = new JsonFactory();

    /** {@code text} as JSON. */
    public static JsonNode json(String text) throws IOException {
        return read(JSON, text);
    }

    /** The first document of {@code text}, read by a parser of {@code factory}; null when there is none. */
    public static JsonNode read(JsonFactory factory, String text) throws IOException {
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t = p.nextToken();
            return t == null ? null : value(p, t);
        }
    }

    /** Writes one JSON value with a generator. */
    public interface Body {
        void write(com.fasterxml.jackson.core.JsonGenerator g) throws IOException;
    }

    /** What {@code body} writes, as a string: on one line, or pretty-printed (two-space indents, {@code "key" : value}). */
    public static String write(boolean pretty, Body body) {
        java.io.StringWriter w = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.createGenerator(w)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            body.write(g);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // writing to a string fails in no other way
        }
        return w.toString();
    }

    /** The text of {@code key} in the object {@code o}, or null when it is absent or null. */
    public static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The number of {@code key} in the object {@code o}, or null when it is absent or null. */
    public static Long number(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || v.isNull() ? null : v.asLong();
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    a.add(value(p, v));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: {
                Object o = p.getEmbeddedObject();
                return o instanceof byte[] b ? NODES.binaryNode(b) : NODES.pojoNode(o);
            }
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t);
        }
    }
}
