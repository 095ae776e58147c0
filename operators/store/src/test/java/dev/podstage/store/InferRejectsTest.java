package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InferRejectsTest {

    @Test
    void theRecordsOwnIdWinsWhenTheRawLineIsItsJson() {
        assertThat(InferRejects.recordId(4, "missing string field 'text'", "{\"id\":\"r4\",\"other\":1}"))
                .isEqualTo("r4");
    }

    @Test
    void anEndpointRefusalCarriesTheIdAsRaw() {
        assertThat(InferRejects.recordId(9, "endpoint rejected the request: 400 Bad Request", "r9"))
                .isEqualTo("r9");
    }

    @Test
    void aLineThatNeverBecameARecordIsKnownByItsLineNumber() {
        assertThat(InferRejects.recordId(2, "not valid JSON: Unrecognized token", "this is not json"))
                .isEqualTo("line:2");
        assertThat(InferRejects.recordId(3, "not a JSON object", "[1,2]")).isEqualTo("line:3");
        assertThat(InferRejects.recordId(5, "missing string field 'id'", "{\"text\":\"no id\"}"))
                .isEqualTo("line:5");
        assertThat(InferRejects.recordId(6, "not valid JSON", "{broken")).isEqualTo("line:6");
    }
}
