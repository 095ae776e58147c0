package dev.podstage.evaluate;

import dev.podstage.runtime.db.Db;
import dev.podstage.runtime.ledger.SchemaMigrator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;

/** Evaluate's own table, created and versioned by the stage on first use ({@link SchemaMigrator}). */
@ApplicationScoped
public class EvaluateSchema {

    static final String COMPONENT = "evaluate";
    static final int VERSION = 1;

    static final List<SchemaMigrator.Migration> MIGRATIONS = List.of(new SchemaMigrator.Migration(1, List.of("""
            CREATE TABLE IF NOT EXISTS podstage_ab_results (
                results_run_id text NOT NULL,
                model text NOT NULL,
                variant_a text NOT NULL,
                variant_b text NOT NULL,
                verdict text NOT NULL,
                winner text,
                decided_by text,
                rule text NOT NULL,
                min_samples integer NOT NULL,
                variants jsonb NOT NULL,
                reasons jsonb NOT NULL,
                report_uri text,
                dag_id text,
                run_id text,
                task_id text,
                job_key text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (results_run_id, model, variant_a, variant_b))""")));

    @Inject
    Instance<Mutiny.SessionFactory> sessions;

    int ensure() {
        return Db.await(
                "creating podstage_ab_results",
                () -> new SchemaMigrator(COMPONENT, MIGRATIONS).migrate(sessions.get()));
    }
}
