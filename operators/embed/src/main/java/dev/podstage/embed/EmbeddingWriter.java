package dev.podstage.embed;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;
import java.util.Set;

/**
 * Output lines: the input record's fields as they came ({@code id} first), then {@code embedding},
 * {@code model}, {@code dim}, {@code cached} (and {@code variant} when set), which replace input fields
 * of the same names. Streams through one generator: no tree is built for the 384 numbers.
 */
final class EmbeddingWriter {

    static final Set<String> ADDED = Set.of("embedding", "model", "dim", "cached", "variant");

    private final JsonGenerator json;
    private final String model;
    private final String variant;

    EmbeddingWriter(Writer out, String model, String variant) {
        try {
            this.json = Json.MAPPER.getFactory().createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setRootValueSeparator(null); // one record per line: the newline is written explicitly
        this.model = model;
        this.variant = variant;
    }

    void write(JsonRecord record, float[] vector, boolean cached) {
        try {
            json.writeStartObject();
            json.writeStringField("id", record.id());
            for (Map.Entry<String, JsonNode> field : record.fields().properties()) {
                if (!field.getKey().equals("id") && !ADDED.contains(field.getKey())) {
                    json.writeFieldName(field.getKey());
                    Json.MAPPER.writeTree(json, field.getValue());
                }
            }
            json.writeArrayFieldStart("embedding");
            for (float v : vector) {
                json.writeNumber(v);
            }
            json.writeEndArray();
            json.writeStringField("model", model);
            json.writeNumberField("dim", vector.length);
            json.writeBooleanField("cached", cached);
            if (variant != null) {
                json.writeStringField("variant", variant);
            }
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an output record", e);
        }
    }

    /** Pushes what the generator buffers into the output file's writer. */
    void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output", e);
        }
    }
}
