package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.podstage.runtime.io.Json;

class BatchTest {

    private static Row row(String key, String value) {
        return new Row(key, Json.MAPPER.createObjectNode().put("v", value));
    }

    @Test
    void aLaterRowOfTheSameKeySupersedesTheEarlierOneAndRowsComeOutInKeyOrder() {
        Batch batch = new Batch();
        assertThat(batch.add(row("b", "1"))).isFalse();
        assertThat(batch.add(row("a", "2"))).isFalse();
        assertThat(batch.add(row("b", "3"))).isTrue();

        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.superseded()).isEqualTo(1);
        assertThat(batch.drain()).extracting(r -> r.key() + "=" + r.columns().get("v").asText()).containsExactly("a=2", "b=3");
        assertThat(batch.isEmpty()).isTrue();
    }
}
