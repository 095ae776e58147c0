package dev.podstage.embed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.io.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * A vector as a cache value: JSON {@code {"dim":384,"f32le":"<base64>"}}, the float32 bits
 * little-endian. Half the size of a JSON array of numbers, and exact: a cached rerun writes the very
 * floats the first run computed.
 */
final class VectorCodec {

    private VectorCodec() {}

    static String encode(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return "{\"dim\":" + vector.length + ",\"f32le\":\""
                + Base64.getEncoder().encodeToString(bytes.array()) + "\"}";
    }

    /** The vector, or null when the value is not one of {@code dim} floats (then it counts as a miss and is overwritten). */
    static float[] decode(String value, int dim) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            if (node.path("dim").asInt(-1) != dim || !node.path("f32le").isTextual()) {
                return null;
            }
            byte[] bytes = Base64.getDecoder().decode(node.path("f32le").textValue());
            if (bytes.length != dim * Float.BYTES) {
                return null;
            }
            float[] vector = new float[dim];
            ByteBuffer.wrap(bytes)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(vector);
            return vector;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
