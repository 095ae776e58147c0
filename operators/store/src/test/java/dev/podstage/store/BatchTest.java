package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.io.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BatchTest {

    private static Row row(String key, String value) {
        return new Row(key, Json.MAPPER.createObjectNode().put("v", value));
    }

    @Test
    void aLaterRowOfTheSameKeySupersedesTheEarlierOneAndRowsComeOutInKeyOrder() {
        Batch batch = new Batch();
        Path input = Path.of("in.jsonl");
        assertThat(batch.add(row("b", "1"), input, 1)).isFalse();
        assertThat(batch.add(row("a", "2"), input, 2)).isFalse();
        assertThat(batch.add(row("b", "3"), input, 3)).isTrue();

        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.superseded()).isEqualTo(1);
        assertThat(batch.drain())
                .extracting(
                        r -> r.row().key() + "=" + r.row().columns().get("v").asText() + "@" + r.line())
                .containsExactly("a=2@2", "b=3@3");
        assertThat(batch.isEmpty()).isTrue();
    }
}
