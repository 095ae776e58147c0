package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonRecord;
import org.junit.jupiter.api.Test;

class ChunkRowsTest {

    private final ChunkRows rows = new ChunkRows(3, null);

    private static JsonRecord record(String json) throws Exception {
        ObjectNode fields = (ObjectNode) Json.MAPPER.readTree(json);
        return new JsonRecord(7, fields.path("id").asText(), fields);
    }

    @Test
    void aChunkBecomesARowKeyedByItsId() throws Exception {
        Row row = rows.toRow(record("""
                {"id":"d1#0","doc_id":"d1","chunk_index":0,"text":"hello","embedding":[0.1,-0.2,3],
                 "model":"minilm","metadata":{"source":"a.txt"},"extra":"ignored"}"""));

        assertThat(row.key()).isEqualTo("d1#0");
        assertThat(row.columns().toString())
                .isEqualTo(
                        "{\"id\":\"d1#0\",\"doc_id\":\"d1\",\"chunk_index\":0,"
                                + "\"text\":\"hello\",\"embedding\":\"{0.1,-0.2,3.0}\",\"model\":\"minilm\",\"metadata\":{\"source\":\"a.txt\"}}");
    }

    @Test
    void wrongDimensionsAreNamed() {
        assertThatThrownBy(() -> rows.toRow(record("""
                {"id":"a","doc_id":"d","chunk_index":0,"text":"t","embedding":[1,2],"model":"m"}""")))
                .isInstanceOf(RowProblem.class)
                .hasMessage("embedding has 2 dimensions, expected 3");
    }

    @Test
    void everyKeyFieldAndTypeIsChecked() {
        assertProblem(
                "{\"id\":\"a\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,2,3],\"model\":\"m\"}",
                "missing string field 'doc_id'");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"text\":\"t\",\"embedding\":[1,2,3],\"model\":\"m\"}",
                "missing integer field 'chunk_index'");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"chunk_index\":-1,\"text\":\"t\",\"embedding\":[1,2,3],\"model\":\"m\"}",
                "field 'chunk_index' is not an integer");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"t\",\"model\":\"m\"}",
                "missing field 'embedding'");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,\"x\",3],\"model\":\"m\"}",
                "embedding[1] is not a finite number");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,1e300,3],\"model\":\"m\"}",
                "embedding[1] is not a finite number that fits a float4");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,2,3]}",
                "missing string field 'model'");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"a\\u0000b\",\"embedding\":[1,2,3],\"model\":\"m\"}",
                "field 'text' holds a NUL character");
        assertProblem(
                "{\"id\":\"a\",\"doc_id\":\"d\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[1,2,3],\"model\":\"m\","
                        + "\"metadata\":{\"k\":[\"\\u0000\"]}}",
                "field 'metadata' holds a NUL character");
    }

    @Test
    void theConfiguredModelFillsInForRecordsWithoutOne() throws Exception {
        Row row = new ChunkRows(3, "fallback").toRow(record("""
                {"id":"a","doc_id":"d","chunk_index":0,"text":"t","embedding":[1,2,3]}"""));

        assertThat(row.columns().get("model").asText()).isEqualTo("fallback");
    }

    private void assertProblem(String json, String reason) {
        assertThatThrownBy(() -> rows.toRow(record(json)))
                .as(json)
                .isInstanceOf(RowProblem.class)
                .hasMessageContaining(reason);
    }
}
