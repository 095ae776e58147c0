package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.ledger.SchemaMigrator;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreSchemaTest {

    private static String ddl(boolean pgvector) {
        return ddl(pgvector ? new StoreSchema.Storage(true, "vector(384)", "public") : StoreSchema.Storage.ARRAY);
    }

    private static String ddl(StoreSchema.Storage storage) {
        List<SchemaMigrator.Migration> migrations = StoreSchema.migrations(storage, 384);
        assertThat(migrations).extracting(SchemaMigrator.Migration::version).containsExactly(StoreSchema.VERSION);
        return String.join(";\n", migrations.get(0).statements());
    }

    @Test
    void withoutPgvectorEmbeddingsAreRealArraysAndNotIndexed() {
        String ddl = ddl(false);
        assertThat(ddl)
                .contains("embedding real[] NOT NULL")
                .doesNotContain("vector")
                .doesNotContain("hnsw");
    }

    @Test
    void withPgvectorTheColumnHasTheDimensionAndACosineIndexNamedByTheExtensionsSchema() {
        String ddl = ddl(true);
        assertThat(ddl)
                .contains("embedding public.vector(384) NOT NULL")
                .contains("USING hnsw (embedding public.vector_cosine_ops)");
        // The stage's search_path may leave the extension's schema out: its objects are named by it, quoted or not.
        assertThat(ddl(new StoreSchema.Storage(true, "vector(384)", "\"Ext\"")))
                .contains("embedding \"Ext\".vector(384) NOT NULL")
                .contains("USING hnsw (embedding \"Ext\".vector_cosine_ops)");
    }

    @Test
    void everyTableIsKeyedByItsNaturalKey() {
        String ddl = ddl(false);
        assertThat(ddl)
                .contains("doc_id text PRIMARY KEY")
                .contains("id text PRIMARY KEY")
                .contains("PRIMARY KEY (id, variant, model)")
                .contains("PRIMARY KEY (dag_id, run_id, task_id, map_index)");
    }
}
