package dev.podstage.store;

import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonRecord;

/**
 * Embed's records ({@code id, doc_id, chunk_index, text, embedding, model, metadata}) as rows of
 * {@code podstage_chunks}, keyed by {@code id}. The embedding must have exactly the configured
 * dimension of finite numbers that fit a float4.
 */
final class ChunkRows {

    private final int dimension;
    private final String defaultModel;

    ChunkRows(int dimension, String defaultModel) {
        this.dimension = dimension;
        this.defaultModel = defaultModel;
    }

    Row toRow(JsonRecord record) throws RowProblem {
        ObjectNode in = record.fields();
        ObjectNode row = Json.MAPPER.createObjectNode();
        String id = Fields.checked("id", record.id());
        row.put("id", id);
        String docId = Fields.text(in, "doc_id");
        if (docId.isEmpty()) {
            throw new RowProblem("field 'doc_id' is empty");
        }
        row.put("doc_id", docId);
        row.put("chunk_index", Fields.nonNegativeInt(in, "chunk_index"));
        row.put("text", Fields.text(in, "text"));
        row.put("embedding", embedding(in.get("embedding")));
        String model = Fields.textOr(in, "model", defaultModel);
        if (model == null || model.isEmpty()) {
            throw new RowProblem("missing string field 'model' (or set podstage.store.model)");
        }
        row.put("model", model);
        JsonNode metadata = in.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            row.set("metadata", Fields.json("metadata", metadata));
        }
        return new Row(id, row);
    }

    /**
     * The checked vector as a PostgreSQL array literal of float4 values ({@code {0.1,-0.2,3.0}}):
     * PostgreSQL reads that with its array parser, about a fifth faster than converting a JSON array
     * element by element, and float4's shortest text is about half as long as a double's.
     */
    private String embedding(JsonNode node) throws RowProblem {
        if (node == null || node.isNull()) {
            throw new RowProblem("missing field 'embedding'");
        }
        if (!node.isArray()) {
            throw new RowProblem("field 'embedding' is not an array of numbers");
        }
        if (node.size() != dimension) {
            throw new RowProblem("embedding has " + node.size() + " dimensions, expected " + dimension);
        }
        StringBuilder literal = new StringBuilder(node.size() * 12).append('{');
        for (int i = 0; i < node.size(); i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber() || !(Math.abs(v.doubleValue()) <= Float.MAX_VALUE)) {
                throw new RowProblem("embedding[" + i + "] is not a finite number that fits a float4: " + v);
            }
            if (i > 0) {
                literal.append(',');
            }
            literal.append(
                    NumberOutput.toString(v.floatValue(), true)); // what a real column keeps, in its shortest text
        }
        return literal.append('}').toString();
    }
}
