package dev.podstage.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Canonical JSON (object keys sorted, no whitespace) and its sha256: the basis of cache keys and
 * job keys, which must not change with field order or formatting.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // A character beyond the BMP as its 4 UTF-8 bytes, as String.getBytes(UTF_8) has it (by default Jackson's
            // UTF-8 generator writes each surrogate on its own: a different digest).
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private CanonicalJson() {
    }

    /**
     * Writes maps, collections, strings, numbers, booleans and JSON trees straight to the
     * generator, keys sorted on the way: a cache key per input record must not cost a tree copy
     * and a second serialisation (it was a third of a cached run's main-thread time). Anything
     * else goes through a tree first; {@link #ofTree} is the reference both paths agree with.
     */
    public static String of(Object value) {
        SegmentedStringWriter out = new SegmentedStringWriter(MAPPER.getFactory()._getBufferRecycler());
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

    /**
     * The sha256 (hex) of {@link #of}'s UTF-8 bytes. Maps, collections, strings and scalars are
     * written as UTF-8 straight into the digest: no string, no second encoding (a cache key per
     * input record). Anything else, and text with a lone surrogate (no UTF-8 form: the text's
     * encoding replaces it), goes by way of the text.
     */
    public static String sha256(Object value) {
        if (!plainUtf8(value)) {
            return sha256Hex(of(value));
        }
        MessageDigest sha = newSha256();
        try (JsonGenerator generator = MAPPER.getFactory().createGenerator(new DigestSink(sha), JsonEncoding.UTF8)) {
            write(generator, value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the digest does not fail
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** True when the UTF-8 generator writes exactly the UTF-8 encoding of {@link #of}'s text. */
    private static boolean plainUtf8(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof Double) {
            return true;
        }
        if (value instanceof String text) {
            return !hasLoneSurrogate(text);
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key) || hasLoneSurrogate(key) || !plainUtf8(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (!plainUtf8(item)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
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
        } else if (value instanceof Map<?, ?> map) {
            String[] keys = sortedKeys(map);
            if (keys == null) {
                MAPPER.writeTree(g, sorted(MAPPER.valueToTree(value)));
                return;
            }
            g.writeStartObject();
            for (String key : keys) {
                g.writeFieldName(key);
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

    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(newSha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The keys in order, or null when one is not a string (then the map goes through a tree). */
    private static String[] sortedKeys(Map<?, ?> map) {
        String[] keys = new String[map.size()];
        int i = 0;
        for (Object key : map.keySet()) {
            if (!(key instanceof String text)) {
                return null;
            }
            keys[i++] = text;
        }
        Arrays.sort(keys);
        return keys;
    }

    /** Hands the generator's bytes to the digest (the generator buffers, so this sees few large writes). */
    private static final class DigestSink extends OutputStream {
        private final MessageDigest sha;

        DigestSink(MessageDigest sha) {
            this.sha = sha;
        }

        @Override
        public void write(int b) {
            sha.update((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            sha.update(bytes, offset, length);
        }
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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
