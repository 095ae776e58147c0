package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordIdsTest {

    /** Values from Python: int.from_bytes(hashlib.sha256(id.encode()).digest()[:8], "big") % n. */
    @Test
    void theShardOfAnIdFollowsTheDocumentedRuleThatOtherLanguagesCanReproduce() {
        assertThat(RecordIds.shardOf("a", 8)).isEqualTo(2);
        assertThat(RecordIds.shardOf("doc-1", 8)).isEqualTo(1);
        assertThat(RecordIds.shardOf("r0", 8)).isEqualTo(2);
        assertThat(RecordIds.shardOf("ünïcödé", 8)).isEqualTo(1);
        assertThat(RecordIds.shardOf("a", 1000)).isEqualTo(250);
        assertThat(RecordIds.shardOf("ünïcödé", 1000)).isEqualTo(729);
    }

    @Test
    void shardsAreSpreadOverEveryIndex() {
        int[] counts = new int[8];
        for (int i = 0; i < 8000; i++) {
            counts[RecordIds.shardOf("rec-" + i, 8)]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(850, 1150); // 1000 expected; a broken hash piles records into few shards
        }
    }

    @Test
    void generatedIdsHashTheContentAndNothingElse() {
        ObjectNode metadata = Json.MAPPER.createObjectNode();
        // Python: sha256(json.dumps({"metadata": {}, "text": "no id"}, sort_keys=True, separators=(",", ":")))
        assertThat(RecordIds.generate("no id", metadata)).isEqualTo("sha256:78bb58ce7bcf0c44");

        ObjectNode a = Json.MAPPER.createObjectNode().put("lang", "en").put("topic", "x");
        ObjectNode b = Json.MAPPER.createObjectNode().put("topic", "x").put("lang", "en");
        assertThat(RecordIds.generate("same", a)).isEqualTo(RecordIds.generate("same", b)); // field order is no content
        assertThat(RecordIds.generate("same", a)).isNotEqualTo(RecordIds.generate("other", a));
        assertThat(RecordIds.generate("same", a)).isNotEqualTo(RecordIds.generate("same", metadata));
    }

    @Test
    void digestsTellIdsApart() {
        RecordIds ids = new RecordIds();
        Set<RecordIds.Key> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(keys.add(ids.digest("id-" + i).key())).isTrue();
        }
        assertThat(keys.add(ids.digest("id-42").key())).isFalse();
    }
}
