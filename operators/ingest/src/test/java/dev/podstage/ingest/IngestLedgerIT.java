package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the idempotency ledger (real PostgreSQL from scripts/services.sh). */
class IngestLedgerIT extends IngestTestBase {

    @Test
    void aCompletedIngestReturnsItsStoredShardListWithoutRedoingTheWork() throws Exception {
        // A unique input, so this job key has no history in a shared database.
        String unique = java.util.UUID.randomUUID().toString();
        JsonLines.write(in("docs.jsonl"), 30, i -> Map.of("id", unique + "-" + i, "text", "t" + i));

        StageProcess.Result first = ingest("--input", in("docs.jsonl").toString(), "--shards", "3")
                .withLedger()
                .run();
        JsonNode firstXcom = first.xcom();
        long firstModified =
                Files.getLastModifiedTime(out().resolve(Manifest.NAME)).toMillis();
        StageProcess.Result second = ingest("--input", in("docs.jsonl").toString(), "--shards", "3")
                .withLedger()
                .run();
        JsonNode secondXcom = second.xcom();

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(firstXcom.path("status").asText()).isEqualTo("success");
        assertThat(secondXcom.path("status").asText()).isEqualTo("already_done");
        assertThat(secondXcom.path("shards")).isEqualTo(firstXcom.path("shards"));
        assertThat(secondXcom.path("shard_records")).isEqualTo(firstXcom.path("shard_records"));
        assertThat(second.logs()).contains("already completed");
        assertThat(Files.getLastModifiedTime(out().resolve(Manifest.NAME)).toMillis())
                .isEqualTo(firstModified);

        // A deleted shard means the stored answer no longer holds: the job runs again.
        Files.delete(out().resolve(ShardFiles.name(1, 3)));
        StageProcess.Result third = ingest("--input", in("docs.jsonl").toString(), "--shards", "3")
                .withLedger()
                .run();
        assertThat(third.exitCode()).as(third.toString()).isZero();
        assertThat(third.xcom().path("status").asText()).isEqualTo("success");
        assertThat(out().resolve(ShardFiles.name(1, 3))).exists();
    }
}
