package dev.podstage.store;

import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.db.Db;
import dev.podstage.runtime.ledger.SchemaMigrator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The store's tables, created and versioned by the stage itself on first use ({@link SchemaMigrator}),
 * never by hand. The one choice made at creation: the type of {@code podstage_chunks.embedding} —
 * pgvector's {@code vector(N)} with an HNSW cosine index when the extension is installed or can be
 * created, else {@code real[]}. Once the table exists its column type is what it is; the stage
 * reports it and refuses a run that asks for the other one.
 *
 * <p>The extension lives in one schema of the database (usually {@code public}) while the stage may
 * work in another through {@code ?search_path=<schema>}, with {@code public} off the path: the DDL
 * names pgvector's type and operator class by the extension's schema, read from the catalog, and
 * the column type is reported without it ({@code vector(384)}, not {@code public.vector(384)}).
 */
@ApplicationScoped
public class StoreSchema {

    private static final Logger LOG = Logger.getLogger(StoreSchema.class);

    static final String COMPONENT = "store";
    static final int VERSION = 1;

    /**
     * How embeddings are held: {@code vector(384)} or {@code real[]}; {@code vectorSchema}: the
     * pgvector extension's schema as an SQL identifier (quoted where it must be), null for arrays.
     */
    public record Storage(boolean pgvector, String columnType, String vectorSchema) {
        static final Storage ARRAY = new Storage(false, "real[]", null);

        String xcomName() {
            return pgvector ? "pgvector" : "float4[]";
        }

        /** A pgvector object by its qualified name, whatever the search_path: {@code public.vector_cosine_ops}. */
        String qualified(String name) {
            return vectorSchema + "." + name;
        }
    }

    /** What the database is at once the schema is ensured. */
    public record State(int version, Storage embeddings) {}

    /** An {@code Instance}: Hibernate is only active when PODSTAGE_DB_URL is set, and resolved only then. */
    @Inject
    Instance<Mutiny.SessionFactory> sessions;

    private Mutiny.SessionFactory factory;

    State ensure(VectorType wanted, int dimension) {
        factory = sessions.get();
        Facts before = facts();
        Storage storage = before.columnType() != null ? before.storage() : choose(wanted, dimension, before);
        int version = Db.await(
                "creating the store's tables",
                () -> new SchemaMigrator(COMPONENT, migrations(storage, dimension)).migrate(factory));
        // Another task may have created the table first, with its own choice: the catalog has the last word.
        Storage actual = facts().storage();
        check(wanted, dimension, actual);
        return new State(version, actual);
    }

    static List<SchemaMigrator.Migration> migrations(Storage storage, int dimension) {
        String embedding = storage.pgvector() ? storage.qualified("vector") + "(" + dimension + ")" : "real[]";
        List<String> v1 = new java.util.ArrayList<>(List.of(
                """
                CREATE TABLE IF NOT EXISTS podstage_documents (
                    doc_id text PRIMARY KEY,
                    model text,
                    dag_id text,
                    run_id text,
                    task_id text,
                    job_key text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now())""",
                """
                CREATE TABLE IF NOT EXISTS podstage_chunks (
                    id text PRIMARY KEY,
                    doc_id text NOT NULL REFERENCES podstage_documents (doc_id) ON DELETE CASCADE,
                    chunk_index integer NOT NULL,
                    text text NOT NULL,
                    embedding %s NOT NULL,
                    model text NOT NULL,
                    metadata jsonb,
                    dag_id text,
                    run_id text,
                    task_id text,
                    job_key text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now())""".formatted(embedding),
                "CREATE INDEX IF NOT EXISTS podstage_chunks_doc ON podstage_chunks (doc_id, chunk_index)",
                """
                CREATE TABLE IF NOT EXISTS podstage_results (
                    id text NOT NULL,
                    variant text NOT NULL,
                    model text NOT NULL,
                    output jsonb,
                    error text,
                    input_tokens bigint,
                    output_tokens bigint,
                    cost_usd double precision,
                    latency_ms bigint,
                    endpoint text,
                    cached boolean NOT NULL DEFAULT false,
                    deduplicated boolean NOT NULL DEFAULT false,
                    dag_id text,
                    run_id text,
                    task_id text,
                    job_key text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (id, variant, model))""",
                "CREATE INDEX IF NOT EXISTS podstage_results_variant ON podstage_results (variant, model, run_id)",
                """
                CREATE TABLE IF NOT EXISTS podstage_runs (
                    dag_id text NOT NULL,
                    run_id text NOT NULL,
                    task_id text NOT NULL,
                    map_index text NOT NULL,
                    stage text NOT NULL,
                    job_key text,
                    try_number text,
                    status text NOT NULL,
                    records_in bigint,
                    records_out bigint,
                    rejects bigint,
                    dropped bigint,
                    tables jsonb,
                    message text,
                    started_at timestamptz NOT NULL,
                    finished_at timestamptz,
                    PRIMARY KEY (dag_id, run_id, task_id, map_index))"""));
        if (storage.pgvector()) {
            v1.add("CREATE INDEX IF NOT EXISTS podstage_chunks_embedding ON podstage_chunks" + " USING hnsw (embedding "
                    + storage.qualified("vector_cosine_ops") + ")");
        }
        return List.of(new SchemaMigrator.Migration(1, v1));
    }

    private Storage choose(VectorType wanted, int dimension, Facts facts) {
        if (wanted == VectorType.ARRAY) {
            return Storage.ARRAY;
        }
        String vector = "vector(" + dimension + ")";
        if (facts.vectorSchema() != null) {
            return new Storage(true, vector, facts.vectorSchema());
        }
        if (facts.vectorAvailable() && createExtension()) {
            // Created in the first schema of the search_path: the catalog says which.
            return new Storage(true, vector, facts().vectorSchema());
        }
        if (wanted == VectorType.PGVECTOR) {
            throw new ConfigProblem(
                    "podstage.store.vector-type",
                    "pgvector",
                    "auto or array: the pgvector extension is "
                            + (facts.vectorAvailable()
                                    ? "available but this role cannot create it"
                                    : "not installed on this server"));
        }
        LOG.infof(
                "pgvector is %s: embeddings are stored as real[]",
                facts.vectorAvailable() ? "available but could not be created" : "not installed");
        return Storage.ARRAY;
    }

    private static void check(VectorType wanted, int dimension, Storage actual) {
        if (wanted == VectorType.PGVECTOR && !actual.pgvector() || wanted == VectorType.ARRAY && actual.pgvector()) {
            throw new ConfigProblem(
                    "podstage.store.vector-type",
                    wanted.configName(),
                    "auto or "
                            + (actual.pgvector() ? "pgvector" : "array") + ": podstage_chunks.embedding already is "
                            + actual.columnType());
        }
        if (actual.pgvector() && !actual.columnType().equals("vector(" + dimension + ")")) {
            throw new ConfigProblem(
                    "podstage.store.dimension",
                    dimension,
                    "the table's dimension: podstage_chunks.embedding is " + actual.columnType());
        }
    }

    /** {@code CREATE EXTENSION} needs rights the stage's role may lack; failing it only means real[]. */
    private boolean createExtension() {
        try {
            Db.await(
                    "creating the pgvector extension",
                    () -> factory.withTransaction(session -> session.createNativeQuery(
                                    "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + SchemaMigrator.LOCK + ")) AS lock")
                            .getResultList()
                            .flatMap(locked -> session.createNativeQuery("CREATE EXTENSION IF NOT EXISTS vector")
                                    .executeUpdate())));
            return true;
        } catch (RuntimeException e) {
            LOG.infof("cannot create the pgvector extension (%s)", Db.describe(e));
            return false;
        }
    }

    /**
     * The schema pgvector is installed in (null: not installed), whether it is installable, and the
     * embedding column's type if the table exists: pgvector's {@code vector} as {@code vector(N)}
     * wherever it lives ({@code format_type} would qualify it when its schema is off the search_path).
     */
    private record Facts(String vectorSchema, boolean vectorAvailable, String columnType) {
        Storage storage() {
            return columnType.startsWith("vector(") ? new Storage(true, columnType, vectorSchema) : Storage.ARRAY;
        }
    }

    private Facts facts() {
        Object[] row = Db.await(
                "reading the catalog",
                () -> factory.withSession(session ->
                        session.createNativeQuery("""
                SELECT (SELECT CAST(CAST(e.extnamespace AS regnamespace) AS text) FROM pg_extension e
                         WHERE e.extname = 'vector'),
                       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector'),
                       (SELECT CASE WHEN e.oid IS NOT NULL AND a.atttypmod > 0 THEN 'vector(' || a.atttypmod || ')'
                                    ELSE format_type(a.atttypid, a.atttypmod) END
                          FROM pg_attribute a
                          JOIN pg_type t ON t.oid = a.atttypid
                          LEFT JOIN pg_extension e ON e.extname = 'vector' AND t.typname = 'vector'
                               AND t.typnamespace = e.extnamespace
                         WHERE a.attrelid = to_regclass('podstage_chunks') AND a.attname = 'embedding')""", Object[].class).getSingleResult()));
        return new Facts((String) row[0], (Boolean) row[1], (String) row[2]);
    }
}
