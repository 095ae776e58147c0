package dev.podstage.runtime.ledger;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Creates and versions the runtime's tables on first use, never by hand. Concurrent first runs
 * (many mapped tasks starting together) serialise on an advisory lock.
 */
@ApplicationScoped
public class LedgerSchema {

    static final int VERSION = 1;

    private static final String[] DDL = {
        """
            CREATE TABLE IF NOT EXISTS podstage_schema (
                component text PRIMARY KEY,
                version integer NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now())""",
        """
            CREATE TABLE IF NOT EXISTS podstage_ledger (
                job_key text PRIMARY KEY,
                stage text NOT NULL,
                stage_version text NOT NULL,
                status text NOT NULL,
                owner text,
                attempts integer NOT NULL DEFAULT 0,
                xcom text,
                message text,
                dag_id text,
                task_id text,
                run_id text,
                map_index text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                heartbeat_at timestamptz)""",
        "CREATE INDEX IF NOT EXISTS podstage_ledger_run ON podstage_ledger (dag_id, run_id)",
        """
            INSERT INTO podstage_schema (component, version) VALUES ('ledger', %d)
            ON CONFLICT (component) DO UPDATE SET version = excluded.version, updated_at = now()
            WHERE podstage_schema.version < excluded.version""".formatted(VERSION),
    };

    private volatile boolean ready;

    Uni<Boolean> ensure(Mutiny.SessionFactory factory) {
        if (ready) {
            return Uni.createFrom().item(true);
        }
        return factory.withTransaction(session -> {
                    Uni<?> chain = session.createNativeQuery(
                                    "SELECT 1 FROM (SELECT pg_advisory_xact_lock(7715001)) AS lock")
                            .getResultList();
                    for (String statement : DDL) {
                        chain = chain.flatMap(
                                ignored -> session.createNativeQuery(statement).executeUpdate());
                    }
                    return chain;
                })
                .map(done -> ready = true);
    }
}
