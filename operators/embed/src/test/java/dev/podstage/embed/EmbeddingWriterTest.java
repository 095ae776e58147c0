package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonRecord;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class EmbeddingWriterTest {

    @Test
    void keepsEveryInputFieldAndAddsTheVectorOneRecordPerLine() throws Exception {
        StringWriter out = new StringWriter();
        EmbeddingWriter writer = new EmbeddingWriter(out, "all-MiniLM-L6-v2", null);

        writer.write(
                record("{\"doc_id\":\"d\",\"id\":\"a\",\"text\":\"t\",\"chunk_index\":3,\"metadata\":{\"k\":[1]}}"),
                new float[] {0.6f, -0.8f},
                false);
        writer.write(
                record("{\"id\":\"b\",\"text\":\"u\",\"embedding\":\"stale\",\"cached\":\"x\"}"),
                new float[] {1, 0},
                true);
        writer.flush();

        String[] lines = out.toString().split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        assertThat(lines[0])
                .startsWith("{\"id\":\"a\",\"doc_id\":\"d\",\"text\":\"t\",\"chunk_index\":3,\"metadata\":{\"k\":[1]},")
                .endsWith("\"embedding\":[0.6,-0.8],\"model\":\"all-MiniLM-L6-v2\",\"dim\":2,\"cached\":false}");
        ObjectNode second = (ObjectNode) Json.MAPPER.readTree(lines[1]);
        assertThat(second.path("embedding").isArray())
                .as("the stage's fields replace input fields of the same name")
                .isTrue();
        assertThat(second.path("cached").asBoolean()).isTrue();
        assertThat(second.has("variant")).isFalse();
    }

    @Test
    void writesTheVariantWhenSet() throws Exception {
        StringWriter out = new StringWriter();
        EmbeddingWriter writer = new EmbeddingWriter(out, "m", "B");

        writer.write(record("{\"id\":\"a\",\"text\":\"t\"}"), new float[] {1}, false);
        writer.flush();

        assertThat(Json.MAPPER.readTree(out.toString()).path("variant").asText())
                .isEqualTo("B");
    }

    private static JsonRecord record(String json) throws Exception {
        ObjectNode node = (ObjectNode) Json.MAPPER.readTree(json);
        return new JsonRecord(1, node.path("id").asText(), node);
    }
}
