package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.testkit.StageProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --vector-type auto} (the default) on a database where scripts/services.sh has created the
 * pgvector extension: a fresh schema's first run makes the embedding column {@code vector(384)}.
 */
class StoreAutoVectorTypeIT extends StoreTestBase {

    @Test
    void autoPicksPgvectorWhenTheExtensionExists() throws Exception {
        assertThat(db.count("SELECT count(*) FROM pg_extension WHERE extname = 'vector'"))
                .as("scripts/services.sh creates the pgvector extension in the test database")
                .isEqualTo(1);
        Path input = chunks("chunks.jsonl", 12, 384);

        StageProcess.Result run = store("--input", input.toString()).run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.xcom().path("embedding_storage").asText()).isEqualTo("pgvector");
        assertThat(db.strings("SELECT t.typname || '(' || a.atttypmod || ')' FROM pg_attribute a"
                        + " JOIN pg_type t ON t.oid = a.atttypid"
                        + " WHERE a.attrelid = to_regclass('podstage_chunks') AND a.attname = 'embedding'"))
                .containsExactly("vector(384)");
        assertThat(db.count(
                        "SELECT count(*) FROM pg_indexes WHERE schemaname = ? AND indexname = 'podstage_chunks_embedding'",
                        db.name()))
                .isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(12);

        // And the next run in auto mode keeps to the table's type.
        StageProcess.Result again = store(
                        "--input",
                        chunks("more.jsonl", 14, 384).toString(),
                        "--output",
                        dir.resolve("again.jsonl").toString())
                .run();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.xcom().path("embedding_storage").asText()).isEqualTo("pgvector");
        assertThat(db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(14);
    }
}
