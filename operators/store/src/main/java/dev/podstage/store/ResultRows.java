package dev.podstage.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonRecord;

/**
 * Infer's records ({@code id, output, usage{input_tokens, output_tokens, cost_usd}, latency_ms,
 * endpoint, cached, model, variant?}) as rows of {@code podstage_results}, keyed by
 * {@code (id, variant, model)}. A record without a variant takes {@code podstage.variant}, else ""
 * (no A/B split); one without a model takes {@code podstage.store.model}.
 */
final class ResultRows {

    private final String defaultVariant;
    private final String defaultModel;

    ResultRows(String defaultVariant, String defaultModel) {
        this.defaultVariant = defaultVariant == null ? "" : defaultVariant;
        this.defaultModel = defaultModel;
    }

    Row toRow(JsonRecord record) throws RowProblem {
        ObjectNode in = record.fields();
        JsonNode output = in.get("output");
        if (output == null) {
            throw new RowProblem("missing field 'output'");
        }
        ObjectNode row = keyColumns(Fields.checked("id", record.id()), in);
        row.set("output", Fields.json("output", output));
        JsonNode usage = in.get("usage");
        if (usage != null && !usage.isNull() && !usage.isObject()) {
            throw new RowProblem("field 'usage' is not an object");
        }
        row.put("input_tokens", Fields.optionalCount(usage, "input_tokens"));
        row.put("output_tokens", Fields.optionalCount(usage, "output_tokens"));
        row.put("cost_usd", Fields.optionalAmount(usage, "cost_usd"));
        row.put("latency_ms", Fields.optionalCount(in, "latency_ms"));
        row.put("endpoint", Fields.textOr(in, "endpoint", null));
        row.put("cached", Fields.flag(in, "cached"));
        row.put("deduplicated", Fields.flag(in, "deduplicated"));
        return new Row(
                Row.key(
                        row.get("id").textValue(),
                        row.get("variant").textValue(),
                        row.get("model").textValue()),
                row);
    }

    /** An error row: the record infer could not answer, with the reason it gave. */
    Row errorRow(String id, String error) throws RowProblem {
        ObjectNode row = keyColumns(Fields.checked("id", id), Json.MAPPER.createObjectNode());
        row.put("error", Fields.checked("reason", error));
        row.put("cached", false);
        row.put("deduplicated", false);
        return new Row(
                Row.key(id, row.get("variant").textValue(), row.get("model").textValue()), row);
    }

    private ObjectNode keyColumns(String id, ObjectNode in) throws RowProblem {
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("id", id);
        row.put("variant", Fields.textOr(in, "variant", defaultVariant));
        String model = Fields.textOr(in, "model", defaultModel);
        if (model == null || model.isEmpty()) {
            throw new RowProblem("missing string field 'model' (or set podstage.store.model)");
        }
        row.put("model", model);
        return row;
    }
}
