package dev.podstage.evaluate;

import java.util.Locale;

/**
 * One criterion of the winner rule: which number of {@link VariantStats} it compares, whether
 * higher is better, and how close two values must be to count as a tie.
 */
public enum Criterion {
    /** Similarity to the references when computed, else the exact-match rate. Higher wins. */
    QUALITY,
    /** Error rate. Lower wins. */
    ERRORS,
    /** Cost per answered record. Lower wins. */
    COST,
    /** p95 latency of the requests actually sent (cached and deduplicated records excluded). Lower wins. */
    LATENCY;

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean higherIsBetter() {
        return this == QUALITY;
    }

    /** The variant's value, or null when it has none (no references, no request sent). */
    Double valueOf(VariantStats stats) {
        return switch (this) {
            case QUALITY -> stats.quality();
            case ERRORS -> stats.records() == 0 ? null : stats.errorRate();
            case COST -> stats.unpriced() ? null : stats.costPerRecord();
            case LATENCY ->
                stats.latencyP95Ms() == null ? null : stats.latencyP95Ms().doubleValue();
        };
    }

    /** Whether two values are too close to tell apart. */
    boolean tie(double a, double b, Tolerances tolerances) {
        double diff = Math.abs(a - b);
        return switch (this) {
            case QUALITY -> diff <= tolerances.quality();
            case ERRORS -> diff <= tolerances.errors();
            case COST, LATENCY -> diff <= tolerances.relative() * Math.max(Math.abs(a), Math.abs(b));
        };
    }
}
