package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpsertsTest {

    private static Row chunk(String id, String doc, String model) throws Exception {
        return new Row(id, (ObjectNode) Json.MAPPER.readTree("{\"id\":\"" + id + "\",\"doc_id\":\"" + doc
                + "\",\"embedding\":[0.03859718,-1.0E-7,2],\"model\":\"" + model + "\"}"));
    }

    @Test
    void theBatchTravelsAsOneJsonArrayWithEachEmbeddingAsAnArrayLiteralOfTheSameNumbers() throws Exception {
        Row row = new ChunkRows(3, null)
                .toRow(new dev.podstage.runtime.io.JsonRecord(1, "a", (ObjectNode) Json.MAPPER.readTree(
                        "{\"id\":\"a\",\"doc_id\":\"d1\",\"chunk_index\":0,\"text\":\"t\",\"embedding\":[0.03859718,-1.0E-7,2],"
                                + "\"model\":\"m\"}")));

        String payload = Upserts.payload(List.of(row, chunk("b", "d1", "m")));

        assertThat(payload)
                .isEqualTo("[{\"id\":\"a\",\"doc_id\":\"d1\",\"chunk_index\":0,\"text\":\"t\","
                        + "\"embedding\":\"{0.03859718,-1.0E-7,2.0}\",\"model\":\"m\"},"
                        + "{\"id\":\"b\",\"doc_id\":\"d1\",\"embedding\":[0.03859718,-1.0E-7,2],\"model\":\"m\"}]");
    }

    @Test
    void eachDocumentOfTheBatchIsUpsertedOnceInKeyOrder() throws Exception {
        String documents = Upserts.documentsOf(
                List.of(chunk("x#0", "d2", "m1"), chunk("y#0", "d1", "m1"), chunk("x#1", "d2", "m2")));

        assertThat(documents).isEqualTo("[{\"doc_id\":\"d1\",\"model\":\"m1\"},{\"doc_id\":\"d2\",\"model\":\"m2\"}]");
    }

    @Test
    void statementsTakeTheirParametersAsTextAndSkipRowsStoredAsSent() {
        for (String sql : List.of(
                Upserts.UPSERT_DOCUMENTS,
                Upserts.UPSERT_CHUNKS_ARRAY,
                Upserts.UPSERT_CHUNKS_PGVECTOR,
                Upserts.UPSERT_RESULTS)) {
            assertThat(sql)
                    .contains("CAST(CAST(?1 AS text) AS json)")
                    .contains("CAST(CAST(?2 AS text) AS json)")
                    .contains("WHERE NOT EXISTS")
                    .contains("ON CONFLICT")
                    .contains("RETURNING (xmax = 0)");
        }
        // pgvector: stored vectors are compared as real[] and the arrays become vectors by assignment, so the
        // statement names no pgvector type or operator, which the stage's search_path may not reach.
        assertThat(Upserts.UPSERT_CHUNKS_PGVECTOR)
                .contains("CAST(c.embedding AS real[])")
                .contains("CAST(t.embedding AS real[])")
                .contains("CAST(excluded.embedding AS real[])")
                .doesNotContain("vector");
        assertThat(Upserts.UPSERT_CHUNKS_ARRAY).doesNotContain("vector").doesNotContain("CAST(c.embedding");
    }
}
