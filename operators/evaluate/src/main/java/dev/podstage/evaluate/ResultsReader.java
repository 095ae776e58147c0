package dev.podstage.evaluate;

import dev.podstage.runtime.db.Db;
import dev.podstage.runtime.stage.InputRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Reads what the store stage keeps in {@code podstage_results} (one row per record id, variant and
 * model, with {@code error} set for records infer could not answer). Aggregates are computed by
 * PostgreSQL; only the outputs that quality needs travel.
 */
@ApplicationScoped
public class ResultsReader {

    /** Rows of the variant in scope; "" parameters mean "no filter" (no null parameter to type). */
    private static final String WHERE = """
             FROM podstage_results
            WHERE variant = ?1 AND (CAST(?2 AS text) = '' OR run_id = ?2) AND (CAST(?3 AS text) = '' OR model = ?3)""";

    private static final String SENT = "error IS NULL AND NOT cached AND NOT deduplicated AND latency_ms IS NOT NULL";

    @Inject
    Instance<Mutiny.SessionFactory> sessions;

    void requireResults() {
        Boolean exists = Db.await(
                "looking for podstage_results",
                () -> sessions.get()
                        .withSession(session -> session.createNativeQuery(
                                        "SELECT to_regclass('podstage_results') IS NOT NULL", Boolean.class)
                                .getSingleResult()));
        if (!exists) {
            throw new InputRejectedException("no stored results: this database has no podstage_results table;"
                    + " run the store stage on infer's output first");
        }
    }

    /** What the job key needs to know about the stored rows: how many, and when they last changed. */
    String fingerprint(String variant, Scope scope) {
        Object[] row = Db.await(
                "reading " + variant,
                () -> sessions.get()
                        .withSession(session -> session.createNativeQuery(
                                        "SELECT count(*), coalesce(CAST(max(updated_at) AS text), '')" + WHERE,
                                        Object[].class)
                                .setParameter(1, variant)
                                .setParameter(2, scope.runId())
                                .setParameter(3, scope.model())
                                .getSingleResult()));
        return row[0] + "@" + row[1];
    }

    VariantStats stats(String variant, Scope scope) {
        Object[] r = Db.await(
                "reading " + variant,
                () -> sessions.get()
                        .withSession(session -> session.createNativeQuery(
                                        "SELECT count(*), count(*) FILTER (WHERE error IS NOT NULL),"
                                                + " coalesce(sum(cost_usd) FILTER (WHERE error IS NULL), 0),"
                                                + " count(*) FILTER (WHERE error IS NULL AND cached),"
                                                + " count(*) FILTER (WHERE " + SENT + "),"
                                                + " percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE "
                                                + SENT + "),"
                                                + " percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE "
                                                + SENT + ")"
                                                + WHERE,
                                        Object[].class)
                                .setParameter(1, variant)
                                .setParameter(2, scope.runId())
                                .setParameter(3, scope.model())
                                .getSingleResult()));
        return new VariantStats(
                variant,
                longOf(r[0]),
                longOf(r[1]),
                ((Number) r[2]).doubleValue(),
                longOf(r[3]),
                longOf(r[4]),
                r[5] == null ? null : longOf(r[5]),
                r[6] == null ? null : longOf(r[6]),
                0,
                null,
                null);
    }

    /** Answered records' outputs as text (a JSON string's value; other JSON as its text). */
    Map<String, String> outputs(String variant, Scope scope) {
        List<Object[]> rows = Db.await(
                "reading outputs of " + variant,
                () -> sessions.get()
                        .withSession(session -> session.createNativeQuery(
                                        "SELECT id, output #>> '{}'" + WHERE
                                                + " AND error IS NULL AND output IS NOT NULL" + " ORDER BY id, model",
                                        Object[].class)
                                .setParameter(1, variant)
                                .setParameter(2, scope.runId())
                                .setParameter(3, scope.model())
                                .getResultList()));
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Object[] row : rows) {
            outputs.putIfAbsent((String) row[0], row[1] == null ? "" : (String) row[1]);
        }
        return outputs;
    }

    private static long longOf(Object value) {
        return ((Number) value).longValue();
    }
}
