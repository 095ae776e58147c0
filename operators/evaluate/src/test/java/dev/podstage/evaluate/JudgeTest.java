package dev.podstage.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeTest {

    private static final Tolerances TOLERANCES = new Tolerances(0.02, 0.01, 0.05);

    /** 100 records, of which {@code errors} failed; cost per answered record, p95 and quality as given. */
    private static VariantStats variant(String name, long errors, double costPerRecord, Long p95, Double quality) {
        long answered = 100 - errors;
        return new VariantStats(
                name,
                100,
                errors,
                costPerRecord * answered,
                10,
                p95 == null ? 0 : answered,
                p95 == null ? null : p95 / 2,
                p95,
                quality == null ? 0 : answered,
                quality,
                null);
    }

    private static Verdict judge(String rule, VariantStats a, VariantStats b) {
        List<Criterion> criteria = java.util.Arrays.stream(rule.split(","))
                .map(c -> Criterion.valueOf(c.toUpperCase()))
                .toList();
        return new Judge(criteria, TOLERANCES, 30).judge(a, b);
    }

    @Test
    void theFirstCriterionThatDiffersDecides() {
        Verdict verdict = judge("quality,cost", variant("A", 0, 0.002, 900L, 0.81), variant("B", 0, 0.001, 400L, 0.74));

        assertThat(verdict.kind()).isEqualTo(Verdict.Kind.WINNER);
        assertThat(verdict.winner()).isEqualTo("A");
        assertThat(verdict.decidedBy()).isEqualTo(Criterion.QUALITY);
        assertThat(verdict.reasons()).containsExactly("quality: A 0.810 vs B 0.740: A is better");
    }

    @Test
    void aTieWithinToleranceHandsTheDecisionToTheNextCriterion() {
        Verdict verdict = judge(
                "quality,cost,latency", variant("A", 0, 0.0020, 300L, 0.800), variant("B", 0, 0.0012, 900L, 0.815));

        assertThat(verdict.winner()).isEqualTo("B");
        assertThat(verdict.decidedBy()).isEqualTo(Criterion.COST);
        assertThat(verdict.reasons()).hasSize(2);
        assertThat(verdict.reasons().get(0)).contains("within tolerance");
    }

    @Test
    void costAndLatencyTieWithinTheRelativeTolerance() {
        Verdict verdict =
                judge("cost,latency", variant("A", 0, 0.00100, 500L, null), variant("B", 0, 0.00104, 480L, null));

        assertThat(verdict.kind()).as("cost within 5%%, latency within 5%%").isEqualTo(Verdict.Kind.TIE);
        assertThat(verdict.winner()).isNull();
    }

    @Test
    void lowerErrorRateWins() {
        Verdict verdict = judge("errors,cost", variant("A", 7, 0.001, 500L, null), variant("B", 1, 0.005, 500L, null));

        assertThat(verdict.winner()).isEqualTo("B");
        assertThat(verdict.decidedBy()).isEqualTo(Criterion.ERRORS);
    }

    @Test
    void aVariantWhoseSentRequestsCostNothingRanUnpricedAndCostDoesNotDecide() {
        Verdict verdict = judge("cost,latency", variant("A", 0, 0.001, 200L, null), variant("B", 0, 0, 700L, null));

        assertThat(verdict.winner()).as("not B for its $0: A by latency").isEqualTo("A");
        assertThat(verdict.decidedBy()).isEqualTo(Criterion.LATENCY);
        assertThat(verdict.reasons().get(0))
                .isEqualTo("cost: not measured for B (its 100 requests sent cost $0: infer"
                        + " ran without prices, its XCom says \"pricing\": \"missing\"), skipped");
    }

    @Test
    void aFullyCachedVariantCostsNothingAndThatCounts() {
        VariantStats cached = new VariantStats("B", 100, 0, 0, 100, 0, null, null, 0, null, null);

        Verdict verdict = judge("cost", variant("A", 0, 0.001, 200L, null), cached);

        assertThat(verdict.winner()).isEqualTo("B");
        assertThat(verdict.decidedBy()).isEqualTo(Criterion.COST);
    }

    @Test
    void aCriterionWithoutValuesIsSkippedNotGuessed() {
        Verdict verdict =
                judge("quality,latency", variant("A", 0, 0.001, 200L, null), variant("B", 0, 0.001, 700L, null));

        assertThat(verdict.winner()).isEqualTo("A");
        assertThat(verdict.decidedBy()).isEqualTo(Criterion.LATENCY);
        assertThat(verdict.reasons().get(0)).isEqualTo("quality: not measured for A, skipped");
    }

    @Test
    void belowTheMinimumSampleSizeThereIsNoWinner() {
        VariantStats small = new VariantStats("B", 29, 0, 0.01, 0, 29, 10L, 20L, 0, null, null);

        Verdict verdict = judge("quality,cost", variant("A", 0, 0.001, 100L, 0.9), small);

        assertThat(verdict.kind()).isEqualTo(Verdict.Kind.INSUFFICIENT_DATA);
        assertThat(verdict.winner()).isNull();
        assertThat(verdict.decidedBy()).isNull();
        assertThat(verdict.reasons()).containsExactly("A has 100 records and B 29: each needs at least 30");
    }

    @Test
    void qualityOverTooFewReferencesIsSkipped() {
        VariantStats a = new VariantStats("A", 100, 0, 0.1, 0, 100, 10L, 20L, 5, 1.0, null);
        VariantStats b = new VariantStats("B", 100, 0, 0.2, 0, 100, 10L, 20L, 5, 0.0, null);

        Verdict verdict = judge("quality,cost", a, b);

        assertThat(verdict.decidedBy()).isEqualTo(Criterion.COST);
        assertThat(verdict.reasons().get(0)).contains("only 5 and 5 outputs have a reference");
    }
}
