package dev.podstage.evaluate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.io.Rejects;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The work of one {@code evaluate} run: read both variants' numbers from the stored results, score
 * their outputs against the references, apply the rule, write the HTML report (atomically) and the
 * {@code podstage_ab_results} row, and report the verdict.
 */
final class EvaluateRun {

    private static final Logger LOG = Logger.getLogger(EvaluateRun.class);

    private final EvaluateSettings s;
    private final StageContext ctx;
    private final EvaluateSchema schema;
    private final ResultsReader results;
    private final AbResults abResults;

    EvaluateRun(
            EvaluateSettings settings,
            StageContext context,
            EvaluateSchema schema,
            ResultsReader results,
            AbResults abResults) {
        this.s = settings;
        this.ctx = context;
        this.schema = schema;
        this.results = results;
        this.abResults = abResults;
    }

    StageOutcome execute() {
        int version = schema.ensure();
        try (Rejects rejects = new Rejects(s.output())) {
            References.Loaded references =
                    s.references() == null ? References.Loaded.NONE : References.read(s.references(), rejects);
            ctx.progress().done(references.accepted() + rejects.count());
            VariantStats a = results.stats(s.variantA(), s.scope());
            VariantStats b = results.stats(s.variantB(), s.scope());
            for (VariantStats v : List.of(a, b)) {
                if (v.records() == 0) {
                    LOG.warnf(
                            "no stored results for variant '%s' (%s)",
                            v.name(), s.scope().describe());
                }
            }
            long encodeMs = 0;
            if (!references.byId().isEmpty()) {
                long start = System.nanoTime();
                try (TextEncoder encoder = s.similarity() == SimilarityMethod.MINILM ? MiniLmEncoder.open() : null) {
                    QualityScorer scorer = new QualityScorer(references.byId(), encoder);
                    a = withQuality(a, scorer.score(results.outputs(s.variantA(), s.scope())));
                    b = withQuality(b, scorer.score(results.outputs(s.variantB(), s.scope())));
                }
                encodeMs = (System.nanoTime() - start) / 1_000_000;
            }
            Verdict verdict = new Judge(s.rule(), s.tolerances(), s.minSamples()).judge(a, b);
            writeReport(a, b, verdict);
            rejects.commit();
            String reportUri = DataUri.toUri(s.output());
            abResults.upsert(abRow(a, b, verdict, reportUri));
            LOG.infof(
                    "%s vs %s: %s%s",
                    a.name(),
                    b.name(),
                    verdict.kind().value(),
                    verdict.winner() == null
                            ? ""
                            : " " + verdict.winner() + " (by "
                                    + verdict.decidedBy().configName() + ")");
            verdict.reasons().forEach(r -> LOG.info("  " + r));
            long rows = a.records() + b.records();
            long referenceLines = references.accepted() + rejects.count();
            ObjectNode metrics = StageOutcome.object();
            metrics.put("quality_ms", encodeMs);
            return new StageOutcome(
                    rows + referenceLines,
                    rows + references.byId().size(),
                    rejects.count(),
                    references.duplicates(),
                    List.of(reportUri),
                    metrics,
                    extra(a, b, verdict, reportUri, version, rejects));
        }
    }

    private static VariantStats withQuality(VariantStats stats, QualityScorer.Score score) {
        return stats.withQuality(score.compared(), score.exactMatch(), score.similarity());
    }

    private void writeReport(VariantStats a, VariantStats b, Verdict verdict) {
        HtmlReport.Context context = new HtmlReport.Context(
                s.scope(),
                s.rule(),
                s.tolerances(),
                s.minSamples(),
                s.similarity() == SimilarityMethod.MINILM ? "all-MiniLM-L6-v2 mean cosine" : "none",
                ctx.airflow().describe());
        AtomicFile report = AtomicFile.create(s.output());
        try {
            report.writer().write(HtmlReport.render(a, b, verdict, context));
            report.commit();
        } catch (IOException e) {
            report.abandon();
            throw new UncheckedIOException("cannot write " + s.output(), e);
        }
    }

    private ObjectNode abRow(VariantStats a, VariantStats b, Verdict verdict, String reportUri) {
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("results_run_id", s.scope().runId());
        row.put("model", s.scope().model());
        row.put("variant_a", a.name());
        row.put("variant_b", b.name());
        row.put("verdict", verdict.kind().value());
        row.put("winner", verdict.winner());
        row.put(
                "decided_by",
                verdict.decidedBy() == null ? null : verdict.decidedBy().configName());
        row.put(
                "rule",
                String.join(",", s.rule().stream().map(Criterion::configName).toList()));
        row.put("min_samples", s.minSamples());
        ObjectNode variants = row.putObject("variants");
        variants.set("a", a.toJson());
        variants.set("b", b.toJson());
        row.set("reasons", reasons(verdict));
        row.put("report_uri", reportUri);
        row.put("dag_id", ctx.airflow().dagId());
        row.put("run_id", ctx.airflow().runId());
        row.put("task_id", ctx.airflow().taskId());
        row.put("job_key", ctx.jobKey());
        return row;
    }

    private ObjectNode extra(
            VariantStats a, VariantStats b, Verdict verdict, String reportUri, int version, Rejects rejects) {
        ObjectNode extra = StageOutcome.object();
        extra.put("verdict", verdict.kind().value());
        extra.put("winner", verdict.winner());
        extra.put(
                "decided_by",
                verdict.decidedBy() == null ? null : verdict.decidedBy().configName());
        extra.put("report_uri", reportUri);
        extra.set("variant_a", a.toJson());
        extra.set("variant_b", b.toJson());
        extra.set("reasons", reasons(verdict));
        ArrayNode rule = extra.putArray("rule");
        s.rule().forEach(c -> rule.add(c.configName()));
        ObjectNode scope = extra.putObject("scope");
        scope.put("run_id", s.scope().runId().isEmpty() ? null : s.scope().runId());
        scope.put("model", s.scope().model().isEmpty() ? null : s.scope().model());
        extra.put("similarity", s.similarity().configName());
        extra.put("schema_version", version);
        if (rejects.count() > 0) {
            extra.put("rejects_uri", DataUri.toUri(rejects.path()));
        }
        return extra;
    }

    private static ArrayNode reasons(Verdict verdict) {
        ArrayNode reasons = Json.MAPPER.createArrayNode();
        verdict.reasons().forEach(reasons::add);
        return reasons;
    }
}
