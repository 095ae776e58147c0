package dev.podstage.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.db.Db;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * {@code podstage_ab_results}: one row per comparison, keyed by what was compared — the results'
 * run ("" = every run), model ("" = every model) and the two variants — upserted, so evaluating
 * the same comparison again replaces its row instead of adding one.
 */
@ApplicationScoped
public class AbResults {

    static final String UPSERT = """
            INSERT INTO podstage_ab_results AS t (results_run_id, model, variant_a, variant_b, verdict, winner,
                decided_by, rule, min_samples, variants, reasons, report_uri, dag_id, run_id, task_id, job_key)
            SELECT r.results_run_id, r.model, r.variant_a, r.variant_b, r.verdict, r.winner, r.decided_by, r.rule,
                   r.min_samples, r.variants, r.reasons, r.report_uri, r.dag_id, r.run_id, r.task_id, r.job_key
              FROM json_to_record(CAST(CAST(?1 AS text) AS json)) AS r(results_run_id text, model text, variant_a text,
                   variant_b text, verdict text, winner text, decided_by text, rule text, min_samples integer,
                   variants jsonb, reasons jsonb, report_uri text, dag_id text, run_id text, task_id text, job_key text)
            ON CONFLICT (results_run_id, model, variant_a, variant_b) DO UPDATE SET verdict = excluded.verdict,
                winner = excluded.winner, decided_by = excluded.decided_by, rule = excluded.rule,
                min_samples = excluded.min_samples, variants = excluded.variants, reasons = excluded.reasons,
                report_uri = excluded.report_uri, dag_id = excluded.dag_id, run_id = excluded.run_id,
                task_id = excluded.task_id, job_key = excluded.job_key, updated_at = now()""";

    @Inject
    Instance<Mutiny.SessionFactory> sessions;

    void upsert(ObjectNode row) {
        String json = row.toString();
        Db.await(
                "writing podstage_ab_results",
                () -> sessions.get()
                        .withTransaction(session -> session.createNativeQuery(UPSERT)
                                .setParameter(1, json)
                                .executeUpdate()));
    }
}
