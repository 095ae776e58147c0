package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podstage.testkit.JsonLines;
import dev.podstage.testkit.StageProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pgvector path for real: scripts/services.sh runs PostgreSQL with pgvector (a pinned PyPI wheel)
 * and creates the extension in the podstage database (in {@code public}), while the stage works in this class's
 * schema through {@code ?search_path=<schema>}, a path without {@code public} on it. Nothing here is
 * skipped when pgvector is missing: then these tests fail, as they should.
 */
class StorePgvectorIT extends StoreTestBase {

    static final int DIM = 384;

    @Test
    void pgvectorStoresVectorColumnsWithAnHnswCosineIndexThatFindsTheNearestChunk() throws Exception {
        Path input = chunks("chunks.jsonl", 25, DIM);

        StageProcess.Result run =
                store("--input", input.toString(), "--vector-type", "pgvector").run();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertEmbeddingIsVectorOf(DIM);
        assertThat(db.strings(
                        "SELECT indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = 'podstage_chunks'"
                                + " AND indexname = 'podstage_chunks_embedding'",
                        db.name()))
                .singleElement()
                .asString()
                .contains("USING hnsw (embedding")
                .contains("vector_cosine_ops");
        assertThat(db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(25);
        assertThat(db.count("SELECT count(*) FROM podstage_documents WHERE doc_id LIKE ?", prefix + "%"))
                .isEqualTo(3);
        JsonNode xcom = run.xcom();
        assertThat(xcom.path("status").asText()).isEqualTo("success");
        assertThat(xcom.path("embedding_storage").asText()).isEqualTo("pgvector");
        assertThat(xcom.path("tables").path("podstage_chunks").path("inserted").asLong())
                .isEqualTo(25);

        try (Connection c = userConnection()) {
            // Every vector arrives intact: same floats, same order (vector holds float4, like real[]).
            for (int i : List.of(0, 13, 24)) {
                assertThat(storedFloats(c, (String) chunk(i, DIM, "").get("id")))
                        .containsExactly(floats(i));
            }

            // The query vector is chunk 13's own: chunk 13 comes first at distance 0, and the HNSW index,
            // forced on by disabling the sequential scan and the sort, orders the rest like an exact scan
            // does. The sort goes too because a database whose collation orders by code point (PostgreSQL
            // 17+'s builtin C.UTF-8, as scripts/services.sh creates it) may narrow the test's
            // LIKE 'prefix%' through the primary key and sort 25 rows instead.
            String query = literal(floats(13));
            List<String> exact = nearest(c, query, 5);
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
                s.execute("SET enable_sort = off");
            }
            assertThat(plan(c, query)).contains("podstage_chunks_embedding");
            List<String> indexed = nearest(c, query, 5);
            assertThat(indexed).hasSize(5).containsExactlyElementsOf(exact);
            assertThat(indexed).containsExactlyElementsOf(javaNearest(13, 25, 5));
            assertThat(distance(c, indexed.get(0), query)).isLessThan(1e-6);
            assertThat(distance(c, indexed.get(1), query)).isGreaterThan(1e-3);
        }
    }

    @Test
    void runningTwiceLeavesOneRowPerKeyAndRewritesOnlyTheChangedVectors() throws Exception {
        int n = 40;
        Path input = dir.resolve("chunks.jsonl");
        JsonLines.write(input, n, i -> chunk(100 + i, DIM, "text " + i));
        StageProcess.Result first =
                store("--input", input.toString(), "--vector-type", "pgvector").run();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.xcom()
                        .path("tables")
                        .path("podstage_chunks")
                        .path("inserted")
                        .asLong())
                .isEqualTo(n);

        StageProcess.Result again =
                store("--input", input.toString(), "--vector-type", "pgvector").run();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.xcom().path("status").asText()).isEqualTo("already_done");

        // The same records in another order, under another name: a real second upsert that finds every
        // stored vector equal to the one sent and writes nothing.
        List<String> lines = new ArrayList<>(Files.readAllLines(input));
        Collections.shuffle(lines, new java.util.Random(11));
        Path shuffled = dir.resolve("shuffled.jsonl");
        Files.write(shuffled, lines);
        StageProcess.Result same = store("--input", shuffled.toString(), "--vector-type", "pgvector")
                .run();
        assertThat(same.exitCode()).as(same.toString()).isZero();
        JsonNode sameCounts = same.xcom().path("tables").path("podstage_chunks");
        assertThat(sameCounts.path("inserted").asLong()).isZero();
        assertThat(sameCounts.path("updated").asLong()).isZero();
        assertThat(sameCounts.path("unchanged").asLong()).isEqualTo(n);

        // Then one record with another vector and one with another text: exactly those two are rewritten.
        Map<String, Object> moved = chunk(100 + 3, DIM, "text 3");
        moved.put("embedding", chunk(999, DIM, "").get("embedding"));
        lines.add(JsonLines.MAPPER.writeValueAsString(moved));
        lines.add(JsonLines.MAPPER.writeValueAsString(chunk(100 + 5, DIM, "text 5, edited")));
        Path changed = dir.resolve("changed.jsonl");
        Files.write(changed, lines);
        StageProcess.Result upsert = store("--input", changed.toString(), "--vector-type", "pgvector")
                .run();

        assertThat(upsert.exitCode()).as(upsert.toString()).isZero();
        JsonNode counts = upsert.xcom().path("tables").path("podstage_chunks");
        assertThat(counts.path("inserted").asLong()).isZero();
        assertThat(counts.path("updated").asLong()).isEqualTo(2);
        assertThat(counts.path("unchanged").asLong()).isEqualTo(n - 2);
        assertThat(db.count("SELECT count(*) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(n);
        assertThat(db.count("SELECT count(DISTINCT id) FROM podstage_chunks WHERE id LIKE ?", prefix + "%"))
                .isEqualTo(n);
        try (Connection c = userConnection()) {
            assertThat(storedFloats(c, (String) moved.get("id"))).containsExactly(floats(999));
            assertThat(nearest(c, literal(floats(999)), 1)).containsExactly((String) moved.get("id"));
        }
        assertThat(db.strings(
                        "SELECT text FROM podstage_chunks WHERE id = ?",
                        chunk(105, DIM, "").get("id")))
                .containsExactly("text 5, edited");
    }

    @Test
    void aTableOfVectorsRefusesArrayStorageAndAnotherDimensionNamingTheKey() {
        Path input = chunks("chunks.jsonl", 3, DIM);
        StageProcess.Result created =
                store("--input", input.toString(), "--vector-type", "pgvector").run();
        assertThat(created.exitCode()).as(created.toString()).isZero();

        StageProcess.Result array =
                store("--input", input.toString(), "--vector-type", "array").run();
        StageProcess.Result dimension = store(
                        "--input", chunks("small.jsonl", 3, 16).toString(), "--dimension", "16")
                .run();

        assertThat(array.exitCode()).as(array.toString()).isEqualTo(2);
        assertThat(array.logs()).contains("podstage.store.vector-type").contains("vector(384)");
        assertThat(dimension.exitCode()).as(dimension.toString()).isEqualTo(2);
        assertThat(dimension.logs()).contains("podstage.store.dimension").contains("vector(384)");
    }

    /** The column's type by the catalog: pgvector's {@code vector} type with the dimension as its modifier. */
    void assertEmbeddingIsVectorOf(int dim) throws Exception {
        assertThat(db.strings("""
                SELECT t.typname || '(' || a.atttypmod || ') in ' || n.nspname
                  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE a.attrelid = to_regclass('podstage_chunks') AND a.attname = 'embedding'"""))
                .containsExactly("vector(" + dim + ") in "
                        + db.strings(
                                        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector'")
                                .get(0));
    }

    /**
     * How a user of the database queries it: the table's schema first, then public, where the extension
     * lives. The class's tests share the table: an HNSW scan wide enough to see all its rows lets a
     * test keep to its own ids without losing neighbours to the filter.
     */
    Connection userConnection() throws Exception {
        Connection c = db.jdbc();
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + db.name() + ", public");
            s.execute("SET hnsw.ef_search = 500");
        }
        return c;
    }

    /** The ids of this test's {@code k} chunks nearest to {@code query} by cosine distance, nearest first. */
    List<String> nearest(Connection c, String query, int k) throws Exception {
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM podstage_chunks WHERE id LIKE ?"
                + " ORDER BY embedding <=> CAST(? AS vector) LIMIT ?")) {
            q.setString(1, prefix + "%");
            q.setString(2, query);
            q.setInt(3, k);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    static double distance(Connection c, String id, String query) throws Exception {
        try (PreparedStatement q =
                c.prepareStatement("SELECT embedding <=> CAST(? AS vector) FROM podstage_chunks WHERE id = ?")) {
            q.setString(1, query);
            q.setString(2, id);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).as("row %s", id).isTrue();
                return rs.getDouble(1);
            }
        }
    }

    String plan(Connection c, String query) throws Exception {
        try (PreparedStatement q = c.prepareStatement(
                "EXPLAIN SELECT id FROM podstage_chunks WHERE id LIKE ? ORDER BY embedding <=> CAST(? AS vector) LIMIT 5")) {
            q.setString(1, prefix + "%");
            q.setString(2, query);
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            return String.join("\n", lines);
        }
    }

    static Float[] storedFloats(Connection c, String id) throws Exception {
        try (PreparedStatement q =
                c.prepareStatement("SELECT CAST(embedding AS real[]) FROM podstage_chunks WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).as("row %s", id).isTrue();
                return (Float[]) rs.getArray(1).getArray();
            }
        }
    }

    /** Chunk {@code i}'s embedding as the stage stores it: float4. */
    Float[] floats(int i) {
        @SuppressWarnings("unchecked")
        List<Double> embedding = (List<Double>) chunk(i, DIM, "").get("embedding");
        return embedding.stream().map(Double::floatValue).toArray(Float[]::new);
    }

    static String literal(Float[] floats) {
        return java.util.Arrays.stream(floats).map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    /** The ids of chunk {@code of}'s {@code k} nearest among chunks 0..count-1 by cosine distance, computed here. */
    List<String> javaNearest(int of, int count, int k) {
        Float[] q = floats(of);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(i);
        }
        all.sort(java.util.Comparator.comparingDouble(i -> cosineDistance(q, floats(i))));
        return all.subList(0, k).stream()
                .map(i -> (String) chunk(i, DIM, "").get("id"))
                .toList();
    }

    static double cosineDistance(Float[] a, Float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int d = 0; d < a.length; d++) {
            dot += (double) a[d] * b[d];
            na += (double) a[d] * a[d];
            nb += (double) b[d] * b[d];
        }
        return 1 - dot / Math.sqrt(na * nb);
    }
}
