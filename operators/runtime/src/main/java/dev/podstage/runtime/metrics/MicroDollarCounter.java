package dev.podstage.runtime.metrics;

import io.micrometer.core.instrument.Counter;

/**
 * Money as a StatsD counter of whole micro-dollars. Micrometer's StatsD counter sends
 * {@code increment(double)} as a whole number, so a request costing less than $1 went out as
 * {@code :0|c} and the spend panels and cost alerts saw nothing. Whole micro-dollars survive the
 * wire exactly; the fraction of a micro-dollar is carried to the next amount, so nothing is lost
 * over a run. Dashboards and rules divide by 1e6. One writer (the run's main thread): not thread-safe.
 */
public final class MicroDollarCounter {

    private final Counter micros;
    private double carried;

    MicroDollarCounter(Counter micros) {
        this.micros = micros;
    }

    /** Adds {@code usd} (ignored unless positive). */
    public void add(double usd) {
        if (!(usd > 0)) {
            return;
        }
        double total = carried + usd * 1e6;
        // 0.0285 * 1e6 is 28499.999999999996 in binary floating point: a millionth of a micro-dollar of slack.
        long whole = (long) Math.floor(total + 1e-6);
        carried = total - whole;
        if (whole > 0) {
            micros.increment(whole);
        }
    }
}
