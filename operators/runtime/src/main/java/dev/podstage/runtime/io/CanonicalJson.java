package dev.podstage.runtime.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON (object keys sorted, no whitespace) and its sha256: the basis of cache keys and
 * job keys, which must not change with field order or formatting.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private CanonicalJson() {}

    /**
     * Writes maps, collections, strings, numbers, booleans and JSON trees straight to the
     * generator, keys sorted on the way: a cache key per input record must not cost a tree copy
     * and a second serialisation (it was a third of a cached run's main-thread time). Anything
     * else goes through a tree first; {@link #ofTree} is the reference both paths agree with.
     */
    public static String of(Object value) {
        SegmentedStringWriter out =
                new SegmentedStringWriter(MAPPER.getFactory()._getBufferRecycler());
        try {
            try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
                write(generator, value);
            }
            return out.getAndClear();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a string writer does not fail
        }
    }

    /** The canonical form by way of a sorted copy of the value's JSON tree. */
    static String ofTree(Object value) {
        try {
            return MAPPER.writeValueAsString(sorted(MAPPER.valueToTree(value)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String text) {
            g.writeString(text);
        } else if (value instanceof Boolean flag) {
            g.writeBoolean(flag);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long number) {
            g.writeNumber(number);
        } else if (value instanceof Double number) {
            g.writeNumber(number);
        } else if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
            g.writeStartObject();
            for (Object key : map.keySet().stream().sorted().toList()) {
                g.writeFieldName((String) key);
                write(g, map.get(key));
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof JsonNode node) {
            MAPPER.writeTree(g, sorted(node));
        } else {
            MAPPER.writeTree(g, sorted(MAPPER.valueToTree(value)));
        }
    }

    public static String sha256(Object value) {
        return sha256Hex(of(value));
    }

    public static String sha256Hex(String text) {
        Sha256 sha = new Sha256();
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        return sha.hex();
    }

    /** Rebuilds objects with sorted keys, recursively; arrays keep their order (it is meaningful). */
    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
            ObjectNode out = MAPPER.createObjectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = MAPPER.createArrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }
}
