package dev.podstage.runtime.stage;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.jboss.logging.Logger;

/**
 * A log line at a fixed interval — done/total, rate, ETA, cache hit ratio, cost so far — that
 * reads well in the Airflow task log KubernetesPodOperator streams.
 */
public final class Progress implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("podstage.progress");

    private final String stage;
    private final long startNanos = System.nanoTime();
    private final AtomicLong total = new AtomicLong(-1);
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong cacheLookups = new AtomicLong();
    private final DoubleAdder cost = new DoubleAdder();
    private ScheduledExecutorService timer;

    public Progress(String stage) {
        this.stage = stage;
    }

    public void start(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "podstage-progress");
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(() -> LOG.info(line()), millis, millis, TimeUnit.MILLISECONDS);
    }

    public void total(long records) {
        total.set(records);
    }

    public void done(long records) {
        done.addAndGet(records);
    }

    public void cache(long lookups, long hits) {
        cacheLookups.addAndGet(lookups);
        cacheHits.addAndGet(hits);
    }

    public void cost(double usd) {
        cost.add(usd);
    }

    public String line() {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        long d = done.get();
        long t = total.get();
        double rate = d / seconds;
        StringBuilder line = new StringBuilder(stage).append(": ").append(d);
        if (t >= 0) {
            line.append('/').append(t).append(String.format(Locale.ROOT, " (%.1f%%)", t == 0 ? 100.0 : 100.0 * d / t));
        }
        line.append(String.format(Locale.ROOT, ", %.0f rec/s", rate));
        if (t >= 0 && rate > 0) {
            line.append(", ETA ").append(formatSeconds(Math.max(0, t - d) / rate));
        }
        long lookups = cacheLookups.get();
        if (lookups > 0) {
            line.append(String.format(Locale.ROOT, ", cache hit %.1f%%", 100.0 * cacheHits.get() / lookups));
        }
        line.append(String.format(Locale.ROOT, ", cost $%.4f", cost.sum()));
        return line.toString();
    }

    private static String formatSeconds(double s) {
        if (s < 120) {
            return String.format(Locale.ROOT, "%.0fs", s);
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
