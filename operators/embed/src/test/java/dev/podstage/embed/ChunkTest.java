package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.JsonRecord;
import org.junit.jupiter.api.Test;

class ChunkTest {

    @Test
    void eachMissingTextIsEncodedOnceAndCachedOnesNotAtAll() {
        Chunk chunk = new Chunk();
        chunk.add(record("a"), "x", "kx");
        chunk.add(record("b"), "y", "ky");
        chunk.add(record("c"), "x", "kx");
        chunk.add(record("d"), "z", "kz");

        chunk.cachedVector("ky", new float[] {1});

        assertThat(chunk.distinctKeys()).containsExactly("kx", "ky", "kz");
        assertThat(chunk.missing()).containsExactly(java.util.Map.entry("kx", "x"), java.util.Map.entry("kz", "z"));
        chunk.computedVector("kx", new float[] {2});
        assertThat(chunk.fromCache("ky")).isTrue();
        assertThat(chunk.fromCache("kx")).isFalse();
        assertThat(chunk.missing()).containsOnlyKeys("kz");
    }

    private static JsonRecord record(String id) {
        return new JsonRecord(1, id, Json.MAPPER.createObjectNode().put("id", id));
    }
}
