package dev.podstage.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.db.Db;
import dev.podstage.runtime.io.Json;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * One batch, one transaction, natural-key upserts ({@code INSERT … ON CONFLICT DO UPDATE}) through
 * Hibernate Reactive native queries. A batch travels as one JSON parameter that PostgreSQL unpacks
 * with {@code json_to_recordset} (embeddings inside it as array literals, see {@link ChunkRows}):
 * one statement per table whatever the batch size, one statement text for every batch. Parameters
 * are typed text, then cast: one the server takes for {@code json} would be sent by the pg client
 * as a JSON string. Rows already stored as sent are skipped, and a conflicting row is only
 * rewritten when something in it differs, so an idempotent rerun writes nothing and says so:
 * {@code RETURNING (xmax = 0)} tells inserted rows from updated ones, and the rest are unchanged.
 */
@ApplicationScoped
public class Upserts {

    static final String DOCUMENTS = "podstage_documents";
    static final String CHUNKS = "podstage_chunks";
    static final String RESULTS = "podstage_results";

    private static final String COUNT = """
             RETURNING (xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up""";

    private static final String STAMP = "json_to_record(CAST(CAST(?2 AS text) AS json))"
            + " AS s(dag_id text, run_id text, task_id text, job_key text)";

    static final String UPSERT_DOCUMENTS = """
            WITH up AS (
            INSERT INTO podstage_documents AS t (doc_id, model, dag_id, run_id, task_id, job_key)
            SELECT b.doc_id, b.model, s.dag_id, s.run_id, s.task_id, s.job_key
              FROM json_to_recordset(CAST(CAST(?1 AS text) AS json)) AS b(doc_id text, model text), %s
             WHERE NOT EXISTS (SELECT 1 FROM podstage_documents d WHERE d.doc_id = b.doc_id
                   AND d.model IS NOT DISTINCT FROM b.model)
            ON CONFLICT (doc_id) DO UPDATE SET model = excluded.model, dag_id = excluded.dag_id, run_id = excluded.run_id,
                task_id = excluded.task_id, job_key = excluded.job_key, updated_at = now()
             WHERE t.model IS DISTINCT FROM excluded.model
            """.formatted(STAMP) + COUNT;

    /**
     * Rows already stored exactly as sent are filtered out before the insert: an idempotent rerun
     * then neither locks nor rewrites them (ON CONFLICT would lock each one to test its WHERE).
     * The batch's embeddings stay {@code real[]}; {@code %1$s}, {@code %3$s}, {@code %4$s}: the stored
     * embedding as {@code real[]} to compare them with. For pgvector that is a cast of the column
     * ({@code vector} to {@code real[]}, exact: both hold float4), and the insert turns the arrays into
     * {@code vector(N)} by pgvector's assignment cast, which checks the dimension. So the statement
     * names no pgvector type, function or operator: casts are found by type, not by name, and the
     * statement works whatever schema the extension lives in, on the search_path or not (a stage that
     * works in its own schema through {@code ?search_path=<schema>} has no {@code public} on it, and
     * {@code vector = vector} would not resolve there).
     */
    private static final String UPSERT_CHUNKS = """
            WITH b AS (
            SELECT r.id, r.doc_id, r.chunk_index, r.text, r.embedding, r.model, r.metadata
              FROM json_to_recordset(CAST(CAST(?1 AS text) AS json)) AS r(id text, doc_id text, chunk_index integer,
                   text text, embedding real[], model text, metadata jsonb)),
            up AS (
            INSERT INTO podstage_chunks AS t (id, doc_id, chunk_index, text, embedding, model, metadata,
                dag_id, run_id, task_id, job_key)
            SELECT b.id, b.doc_id, b.chunk_index, b.text, b.embedding, b.model, b.metadata,
                   s.dag_id, s.run_id, s.task_id, s.job_key
              FROM b, %2$s
             WHERE NOT EXISTS (SELECT 1 FROM podstage_chunks c WHERE c.id = b.id
                   AND (c.doc_id, c.chunk_index, c.text, %1$s, c.model, c.metadata)
                       IS NOT DISTINCT FROM (b.doc_id, b.chunk_index, b.text, b.embedding, b.model, b.metadata))
            ON CONFLICT (id) DO UPDATE SET doc_id = excluded.doc_id, chunk_index = excluded.chunk_index,
                text = excluded.text, embedding = excluded.embedding, model = excluded.model, metadata = excluded.metadata,
                dag_id = excluded.dag_id, run_id = excluded.run_id, task_id = excluded.task_id, job_key = excluded.job_key,
                updated_at = now()
             WHERE (t.doc_id, t.chunk_index, t.text, %3$s, t.model, t.metadata)
                   IS DISTINCT FROM (excluded.doc_id, excluded.chunk_index, excluded.text, %4$s,
                   excluded.model, excluded.metadata)
            """ + COUNT;

    static final String UPSERT_CHUNKS_ARRAY =
            UPSERT_CHUNKS.formatted("c.embedding", STAMP, "t.embedding", "excluded.embedding");
    static final String UPSERT_CHUNKS_PGVECTOR = UPSERT_CHUNKS.formatted(
            "CAST(c.embedding AS real[])", STAMP, "CAST(t.embedding AS real[])", "CAST(excluded.embedding AS real[])");

    /**
     * Results are claimed by the Airflow run that stores them last: the run id is compared too, so a
     * new DAG run takes over its rows (and evaluate's {@code --run-id} finds them) while a retry of
     * the same task changes nothing.
     */
    static final String UPSERT_RESULTS = """
            WITH b AS (
            SELECT r.*, s.*
              FROM json_to_recordset(CAST(CAST(?1 AS text) AS json)) AS r(id text, variant text, model text, output jsonb,
                   error text, input_tokens bigint, output_tokens bigint, cost_usd double precision, latency_ms bigint,
                   endpoint text, cached boolean, deduplicated boolean), %s),
            up AS (
            INSERT INTO podstage_results AS t (id, variant, model, output, error, input_tokens, output_tokens, cost_usd,
                latency_ms, endpoint, cached, deduplicated, dag_id, run_id, task_id, job_key)
            SELECT b.id, b.variant, b.model, b.output, b.error, b.input_tokens, b.output_tokens, b.cost_usd,
                   b.latency_ms, b.endpoint, b.cached, b.deduplicated, b.dag_id, b.run_id, b.task_id, b.job_key
              FROM b
             WHERE NOT EXISTS (SELECT 1 FROM podstage_results c
                    WHERE c.id = b.id AND c.variant = b.variant AND c.model = b.model
                      AND (c.output, c.error, c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.endpoint,
                           c.cached, c.deduplicated, c.dag_id, c.run_id)
                          IS NOT DISTINCT FROM (b.output, b.error, b.input_tokens, b.output_tokens, b.cost_usd,
                           b.latency_ms, b.endpoint, b.cached, b.deduplicated, b.dag_id, b.run_id))
            ON CONFLICT (id, variant, model) DO UPDATE SET output = excluded.output, error = excluded.error,
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
                cost_usd = excluded.cost_usd, latency_ms = excluded.latency_ms, endpoint = excluded.endpoint,
                cached = excluded.cached, deduplicated = excluded.deduplicated, dag_id = excluded.dag_id,
                run_id = excluded.run_id, task_id = excluded.task_id, job_key = excluded.job_key, updated_at = now()
             WHERE (t.output, t.error, t.input_tokens, t.output_tokens, t.cost_usd, t.latency_ms, t.endpoint, t.cached,
                    t.deduplicated, t.dag_id, t.run_id)
                   IS DISTINCT FROM (excluded.output, excluded.error, excluded.input_tokens, excluded.output_tokens,
                    excluded.cost_usd, excluded.latency_ms, excluded.endpoint, excluded.cached, excluded.deduplicated,
                    excluded.dag_id, excluded.run_id)
            """.formatted(STAMP) + COUNT;

    @Inject
    Instance<Mutiny.SessionFactory> sessions;

    /** Documents first (the chunks reference them), then the chunks, in one transaction; started, not awaited. */
    CompletableFuture<Map<String, TableCounts>> chunks(List<Row> rows, RunStamp stamp, boolean pgvector) {
        String chunks = payload(rows);
        String documents = documentsOf(rows);
        String stampJson = stamp.rowColumns();
        String sql = pgvector ? UPSERT_CHUNKS_PGVECTOR : UPSERT_CHUNKS_ARRAY;
        Mutiny.SessionFactory factory = sessions.get();
        return Db.submit(() -> factory.withTransaction(session -> upsert(
                        session, UPSERT_DOCUMENTS, documents, stampJson, countDocuments(rows))
                .flatMap(docs -> upsert(session, sql, chunks, stampJson, rows.size())
                        .map(chunkCounts -> {
                            Map<String, TableCounts> counts = new LinkedHashMap<>();
                            counts.put(DOCUMENTS, docs);
                            counts.put(CHUNKS, chunkCounts);
                            return counts;
                        }))));
    }

    CompletableFuture<Map<String, TableCounts>> results(List<Row> rows, RunStamp stamp) {
        String results = payload(rows);
        String stampJson = stamp.rowColumns();
        Mutiny.SessionFactory factory = sessions.get();
        return Db.submit(() ->
                factory.withTransaction(session -> upsert(session, UPSERT_RESULTS, results, stampJson, rows.size())
                        .map(counts -> Map.of(RESULTS, counts))));
    }

    private static Uni<TableCounts> upsert(Mutiny.Session session, String sql, String batch, String stamp, long rows) {
        return session.createNativeQuery(sql, Object[].class)
                .setParameter(1, batch)
                .setParameter(2, stamp)
                .getSingleResult()
                .map(counts ->
                        new TableCounts(rows, ((Number) counts[0]).longValue(), ((Number) counts[1]).longValue()));
    }

    static String payload(List<Row> rows) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        rows.forEach(row -> array.add(row.columns()));
        return array.toString();
    }

    /** One entry per document of the batch, in key order like the chunks (the last chunk's model wins). */
    static String documentsOf(List<Row> rows) {
        Map<String, String> models = new java.util.TreeMap<>();
        rows.forEach(row -> models.put(
                row.columns().get("doc_id").textValue(),
                row.columns().get("model").textValue()));
        ArrayNode array = Json.MAPPER.createArrayNode();
        models.forEach((docId, model) -> {
            ObjectNode doc = array.addObject();
            doc.put("doc_id", docId);
            doc.put("model", model);
        });
        return array.toString();
    }

    private static long countDocuments(List<Row> rows) {
        return rows.stream()
                .map(row -> row.columns().get("doc_id").textValue())
                .distinct()
                .count();
    }
}
