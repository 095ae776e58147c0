package dev.podstage.infer;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The spending limit ({@code max-cost-usd}). Work is dispatched only when what is spent, what
 * in-flight requests may still cost (their estimates) and the next request's estimate all fit:
 * the stage stops before crossing the limit, not after.
 */
final class Budget {

    private final OptionalDouble limit;
    private double spent;
    private double reserved;

    Budget(OptionalDouble limit, double alreadySpent) {
        this.limit = limit;
        this.spent = alreadySpent;
    }

    boolean fits(double estimate) {
        return limit.isEmpty() || spent + reserved + estimate <= limit.getAsDouble();
    }

    void reserve(double estimate) {
        reserved += estimate;
    }

    /** The request ended: its estimate is released and what it really cost is spent. */
    void settle(double estimate, double actual) {
        reserved = Math.max(0, reserved - estimate);
        spent += actual;
    }

    double spent() {
        return spent;
    }

    String describe() {
        return String.format(Locale.ROOT, "spent $%.6f of $%.6f", spent, limit.orElse(Double.NaN));
    }
}
