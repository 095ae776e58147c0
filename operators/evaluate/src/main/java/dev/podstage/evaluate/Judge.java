package dev.podstage.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Applies the winner rule: with enough records on both sides, the criteria are compared in order
 * and the first whose values differ by more than its tolerance names the winner. A criterion
 * without values on both sides (no references, no request sent) is skipped and says why; so is
 * quality when fewer than the minimum number of outputs have a reference.
 */
public final class Judge {

    private final List<Criterion> rule;
    private final Tolerances tolerances;
    private final int minSamples;

    public Judge(List<Criterion> rule, Tolerances tolerances, int minSamples) {
        this.rule = List.copyOf(rule);
        this.tolerances = tolerances;
        this.minSamples = minSamples;
    }

    public Verdict judge(VariantStats a, VariantStats b) {
        List<String> reasons = new ArrayList<>();
        if (a.records() < minSamples || b.records() < minSamples) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "%s has %d records and %s %d: each needs at least %d",
                    a.name(),
                    a.records(),
                    b.name(),
                    b.records(),
                    minSamples));
            return new Verdict(Verdict.Kind.INSUFFICIENT_DATA, null, null, reasons);
        }
        for (Criterion criterion : rule) {
            Double va = criterion.valueOf(a);
            Double vb = criterion.valueOf(b);
            String name = criterion.configName();
            if (va == null || vb == null) {
                VariantStats missing = va == null ? a : b;
                String why = criterion == Criterion.COST && missing.unpriced()
                        ? " (its " + missing.latencySamples()
                                + " requests sent cost $0: infer ran without prices, its XCom says \"pricing\": \"missing\")"
                        : "";
                reasons.add(name + ": not measured for " + missing.name() + why + ", skipped");
                continue;
            }
            if (criterion == Criterion.QUALITY && Math.min(a.compared(), b.compared()) < minSamples) {
                reasons.add(String.format(
                        Locale.ROOT,
                        "%s: only %d and %d outputs have a reference (min %d), skipped",
                        name,
                        a.compared(),
                        b.compared(),
                        minSamples));
                continue;
            }
            String values = name + ": " + a.name() + " " + format(criterion, va) + " vs " + b.name() + " "
                    + format(criterion, vb);
            if (criterion.tie(va, vb, tolerances)) {
                reasons.add(values + ", within tolerance");
                continue;
            }
            boolean aWins = criterion.higherIsBetter() ? va > vb : va < vb;
            String winner = aWins ? a.name() : b.name();
            reasons.add(values + ": " + winner + " is better");
            return new Verdict(Verdict.Kind.WINNER, winner, criterion, reasons);
        }
        return new Verdict(Verdict.Kind.TIE, null, null, reasons);
    }

    static String format(Criterion criterion, double value) {
        return switch (criterion) {
            case QUALITY -> String.format(Locale.ROOT, "%.3f", value);
            case ERRORS -> String.format(Locale.ROOT, "%.1f%%", value * 100);
            case COST -> String.format(Locale.ROOT, "$%.6f/record", value);
            case LATENCY -> String.format(Locale.ROOT, "p95 %.0f ms", value);
        };
    }
}
