package dev.podstage.infer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the output records, one JSON object per line, through one streaming UTF-8 generator on the
 * file's bytes: no tree, no string and no char encoding per record (a fifth of a cached run's
 * main-thread time went there).
 */
final class OutputRecords {

    /** How a record's answer was obtained when it was not asked for: from the cache, or from an identical input. */
    enum Reuse {
        NONE,
        CACHED,
        DEDUPLICATED
    }

    private final AtomicFile file;
    private final JsonGenerator json;
    private final String model;
    private final String variant;

    OutputRecords(AtomicFile file, String model, String variant) {
        this.file = file;
        this.model = model;
        this.variant = variant;
        try {
            this.json = Json.MAPPER.getFactory().createGenerator(file.stream(), JsonEncoding.UTF8);
        } catch (IOException e) {
            throw failure(e);
        }
        json.setRootValueSeparator(null); // records are separated by the newline written after each
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** One record: the answer (output, tokens, endpoint, latency) for the input with this id. */
    void write(String id, StoredAnswer answer, double cost, Reuse reuse) {
        try {
            json.writeStartObject();
            json.writeStringField("id", id);
            json.writeFieldName("output");
            json.writeRawValue(answer.outputJson()); // JSON text already, from the endpoint's answer or the cache
            json.writeObjectFieldStart("usage");
            json.writeNumberField("input_tokens", answer.inputTokens());
            json.writeNumberField("output_tokens", answer.outputTokens());
            json.writeNumberField("cost_usd", cost);
            if (answer.estimatedUsage()) {
                json.writeBooleanField("estimated", true);
            }
            json.writeEndObject();
            json.writeNumberField("latency_ms", reuse == Reuse.NONE ? answer.latencyMs() : 0);
            json.writeStringField("endpoint", answer.endpoint());
            json.writeBooleanField("cached", reuse == Reuse.CACHED);
            if (reuse == Reuse.DEDUPLICATED) {
                json.writeBooleanField("deduplicated", true);
            }
            json.writeStringField("model", model);
            if (variant != null) {
                json.writeStringField("variant", variant);
            }
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Hands what the generator holds to the file and flushes it (once per event, not per record). */
    void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw failure(e);
        }
        file.flush();
    }

    private UncheckedIOException failure(IOException e) {
        return new UncheckedIOException("cannot write " + file.target(), e);
    }
}
