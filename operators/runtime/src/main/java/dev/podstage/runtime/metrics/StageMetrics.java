package dev.podstage.runtime.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.stage.AirflowContext;

/**
 * A stage's meters, sent as StatsD to the same agent Airflow's {@code [metrics]} feeds: names
 * prefixed {@code podstage.}, tagged with stage, dag_id, task_id and variant. {@link #close()}
 * flushes what is buffered, so a five-second task loses nothing.
 */
public final class StageMetrics implements AutoCloseable {

    public static final String PREFIX = "podstage.";

    private final CompositeMeterRegistry registry;
    private final List<MeterRegistry> exporters;

    private StageMetrics(CompositeMeterRegistry registry, List<MeterRegistry> exporters) {
        this.registry = registry;
        this.exporters = exporters;
    }

    public static StageMetrics create(SharedConfig config, AirflowContext airflow, String stage) {
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        List<MeterRegistry> exporters = config.metricsEnabled() ? List.of(statsd(config)) : List.of();
        exporters.forEach(composite::add);
        composite.config()
                .meterFilter(MeterFilter.commonTags(commonTags(airflow, stage, config)))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().startsWith(PREFIX) ? id : id.withName(PREFIX + id.getName());
                    }
                });
        return new StageMetrics(composite, exporters);
    }

    static List<Tag> commonTags(AirflowContext airflow, String stage, SharedConfig config) {
        List<Tag> tags = new ArrayList<>();
        tags.add(Tag.of("stage", stage));
        airflow.dag().ifPresent(v -> tags.add(Tag.of("dag_id", v)));
        airflow.task().ifPresent(v -> tags.add(Tag.of("task_id", v)));
        config.variant().ifPresent(v -> tags.add(Tag.of("variant", v)));
        return tags;
    }

    private static StatsdMeterRegistry statsd(SharedConfig config) {
        StatsdFlavor flavor = StatsdFlavor.valueOf(config.statsdFlavor().name());
        StatsdConfig statsdConfig = new StatsdConfig() {
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
        StatsdMeterRegistry registry = new StatsdMeterRegistry(statsdConfig, Clock.SYSTEM);
        // Etsy/Telegraf would otherwise camelCase names (podstageStageDuration); keep DESIGN.md's dotted names.
        registry.config().namingConvention(NamingConvention.dot);
        return registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Counter counter(String name, String... tags) {
        return registry.counter(name, tags);
    }

    public Timer timer(String name, String... tags) {
        return Timer.builder(name).tags(tags).register(registry);
    }

    public DistributionSummary summary(String name, String... tags) {
        return DistributionSummary.builder(name).tags(tags).register(registry);
    }

    /** Flushes buffered lines and closes the socket. */
    @Override
    public void close() {
        registry.close();
        exporters.forEach(MeterRegistry::close);
    }
}
