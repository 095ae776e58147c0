package dev.podstage.store;

import dev.podstage.runtime.ledger.SchemaMigrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class StoreSchemaTest {

    private static String ddl(boolean pgvector) {
        List<SchemaMigrator.Migration> migrations = StoreSchema.migrations(
                new StoreSchema.Storage(pgvector, pgvector ? "vector(384)" : "real[]"), 384);
        assertThat(migrations).extracting(SchemaMigrator.Migration::version).containsExactly(StoreSchema.VERSION);
        return String.join(";\n", migrations.get(0).statements());
    }

    @Test
    void withoutPgvectorEmbeddingsAreRealArraysAndNotIndexed() {
        String ddl = ddl(false);
        assertThat(ddl).contains("embedding real[] NOT NULL").doesNotContain("vector").doesNotContain("hnsw");
    }

    @Test
    void withPgvectorTheColumnHasTheDimensionAndACosineIndex() {
        String ddl = ddl(true);
        assertThat(ddl).contains("embedding vector(384) NOT NULL").contains("USING hnsw (embedding vector_cosine_ops)");
    }

    @Test
    void everyTableIsKeyedByItsNaturalKey() {
        String ddl = ddl(false);
        assertThat(ddl).contains("doc_id text PRIMARY KEY").contains("id text PRIMARY KEY")
                .contains("PRIMARY KEY (id, variant, model)").contains("PRIMARY KEY (dag_id, run_id, task_id, map_index)");
    }
}
