package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonRecord;
import org.junit.jupiter.api.Test;

class ResultRowsTest {

    private static JsonRecord record(String json) throws Exception {
        ObjectNode fields = (ObjectNode) Json.MAPPER.readTree(json);
        return new JsonRecord(1, fields.path("id").asText(), fields);
    }

    @Test
    void anInferRecordIsFlattenedAndKeyedByIdVariantAndModel() throws Exception {
        Row row = new ResultRows(null, null).toRow(record("""
                {"id":"r1","output":"Paris","usage":{"input_tokens":12,"output_tokens":3,"cost_usd":0.00042},
                 "latency_ms":87,"endpoint":"http://a","cached":false,"model":"gpt-x","variant":"B"}"""));

        assertThat(row.key()).isEqualTo("r1\u0000B\u0000gpt-x");
        ObjectNode c = row.columns();
        assertThat(c.get("output").asText()).isEqualTo("Paris");
        assertThat(c.get("input_tokens").asLong()).isEqualTo(12);
        assertThat(c.get("output_tokens").asLong()).isEqualTo(3);
        assertThat(c.get("cost_usd").asDouble()).isEqualTo(0.00042);
        assertThat(c.get("latency_ms").asLong()).isEqualTo(87);
        assertThat(c.get("endpoint").asText()).isEqualTo("http://a");
        assertThat(c.get("cached").asBoolean()).isFalse();
        assertThat(c.has("error")).as("a result clears an earlier error").isFalse();
    }

    @Test
    void recordsWithoutVariantOrModelTakeTheConfiguredOnes() throws Exception {
        Row plain = new ResultRows(null, "m").toRow(record("{\"id\":\"r\",\"output\":[1,2]}"));
        Row labelled = new ResultRows("A", "m").toRow(record("{\"id\":\"r\",\"output\":\"x\"}"));

        assertThat(plain.columns().get("variant").asText()).isEmpty();
        assertThat(plain.columns().get("output").isArray()).isTrue();
        assertThat(labelled.columns().get("variant").asText()).isEqualTo("A");
        assertThatThrownBy(() -> new ResultRows(null, null).toRow(record("{\"id\":\"r\",\"output\":\"x\"}")))
                .hasMessageContaining("missing string field 'model'");
    }

    @Test
    void mistypedFieldsAreRejectedInsteadOfFailingTheBatch() {
        ResultRows rows = new ResultRows(null, "m");
        assertThatThrownBy(() -> rows.toRow(record("{\"id\":\"r\"}"))).hasMessage("missing field 'output'");
        assertThatThrownBy(() -> rows.toRow(record("{\"id\":\"r\",\"output\":\"x\",\"latency_ms\":\"slow\"}")))
                .hasMessageContaining("'latency_ms' is not a number");
        assertThatThrownBy(() -> rows.toRow(record("{\"id\":\"r\",\"output\":\"x\",\"usage\":{\"cost_usd\":-1}}")))
                .hasMessageContaining("'cost_usd' is not a number ≥ 0");
        assertThatThrownBy(() -> rows.toRow(record("{\"id\":\"r\",\"output\":\"x\",\"cached\":\"yes\"}")))
                .hasMessageContaining("'cached' is not true or false");
        assertThatThrownBy(() -> rows.toRow(record("{\"id\":\"r\",\"output\":\"x\",\"variant\":7}")))
                .hasMessageContaining("'variant' is not a string");
    }

    @Test
    void anErrorRowCarriesTheReasonAndNoOutput() throws Exception {
        Row row = new ResultRows("A", "m").errorRow("r9", "endpoint rejected the request: 400");

        assertThat(row.key()).isEqualTo("r9\u0000A\u0000m");
        assertThat(row.columns().get("error").asText()).isEqualTo("endpoint rejected the request: 400");
        assertThat(row.columns().has("output")).isFalse();
    }
}
