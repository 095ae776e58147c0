package dev.podstage.runtime.metrics;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.stage.AirflowContext;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A stage's meters, sent as StatsD to the same agent Airflow's {@code [metrics]} feeds: names
 * prefixed {@code podstage.}, tagged with stage, dag_id, task_id and variant. {@link #close()}
 * flushes what is buffered, so a five-second task loses nothing.
 */
public final class StageMetrics implements AutoCloseable {

    public static final String PREFIX = "podstage.";
    private static final Logger LOG = Logger.getLogger(StageMetrics.class);

    /** Lines go out at least this often, so a long task's metrics do not wait for its end. */
    private static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

    private final CompositeMeterRegistry registry;
    /** The StatsD registry and the sink its lines go through; both null when metrics are off. */
    private final StatsdMeterRegistry statsd;

    private final StatsdUdpSink sink;

    private StageMetrics(CompositeMeterRegistry registry, StatsdMeterRegistry statsd, StatsdUdpSink sink) {
        this.registry = registry;
        this.statsd = statsd;
        this.sink = sink;
    }

    public static StageMetrics create(SharedConfig config, AirflowContext airflow, String stage) {
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        StatsdConfig statsdConfig = statsdConfig(config);
        StatsdUdpSink sink = config.metricsEnabled() ? sink(statsdConfig) : null;
        StatsdMeterRegistry statsd = sink == null ? null : statsd(statsdConfig, sink);
        if (statsd != null) {
            composite.add(statsd);
        }
        composite
                .config()
                .meterFilter(MeterFilter.commonTags(commonTags(airflow, stage, config)))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().startsWith(PREFIX) ? id : id.withName(PREFIX + id.getName());
                    }
                });
        return new StageMetrics(composite, statsd, sink);
    }

    static List<Tag> commonTags(AirflowContext airflow, String stage, SharedConfig config) {
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.of("stage", stage));
        airflow.dag().ifPresent(v -> tags.add(Tag.of("dag_id", v)));
        airflow.task().ifPresent(v -> tags.add(Tag.of("task_id", v)));
        config.variant().ifPresent(v -> tags.add(Tag.of("variant", v)));
        return tags;
    }

    private static StatsdConfig statsdConfig(SharedConfig config) {
        StatsdFlavor flavor = StatsdFlavor.valueOf(config.statsdFlavor().name());
        return new StatsdConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public StatsdFlavor flavor() {
                return flavor;
            }

            @Override
            public String host() {
                return config.statsdHost();
            }

            @Override
            public int port() {
                return config.statsdPort();
            }

            @Override
            public Duration pollingFrequency() {
                return Duration.ofSeconds(5);
            }
        };
    }

    /** The UDP sink, or none (metrics off for this run, said once) when not even a socket can be had. */
    private static StatsdUdpSink sink(StatsdConfig config) {
        try {
            return new StatsdUdpSink(config.host(), config.port(), config.maxPacketLength(), FLUSH_INTERVAL);
        } catch (IOException | RuntimeException e) {
            LOG.warnf(
                    "no StatsD metrics for this run: cannot open a UDP socket to %s:%d (%s)",
                    config.host(), config.port(), e);
            return null;
        }
    }

    /** Lines go through {@code sink}, handed over as they are recorded: see {@link StatsdUdpSink} why. */
    private static StatsdMeterRegistry statsd(StatsdConfig statsdConfig, StatsdUdpSink sink) {
        StatsdMeterRegistry registry = StatsdMeterRegistry.builder(statsdConfig)
                .clock(Clock.SYSTEM)
                .lineSink(sink)
                .build();
        // Etsy/Telegraf would otherwise camelCase names (podstageStageDuration); keep the dotted names of
        // docs/architecture.md.
        registry.config().namingConvention(NamingConvention.dot);
        return registry;
    }

    /** Meters kept in {@code registry} alone, nothing sent: for code that reads them back, as unit tests do. */
    public static StageMetrics into(MeterRegistry registry) {
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(registry);
        return new StageMetrics(composite, null, null);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Counter counter(String name, String... tags) {
        return registry.counter(name, tags);
    }

    /** A money counter named {@code name} (sent in whole micro-dollars: the name should say so, e.g. {@code cost_microusd}). */
    public MicroDollarCounter microDollars(String name, String... tags) {
        return new MicroDollarCounter(registry.counter(name, tags));
    }

    public Timer timer(String name, String... tags) {
        return Timer.builder(name).tags(tags).register(registry);
    }

    public DistributionSummary summary(String name, String... tags) {
        return DistributionSummary.builder(name).tags(tags).register(registry);
    }

    /** Publishes the polled meters, sends the buffered lines and closes the socket. */
    @Override
    public void close() {
        registry.close();
        if (statsd != null) {
            statsd.close();
            sink.close();
        }
    }
}
