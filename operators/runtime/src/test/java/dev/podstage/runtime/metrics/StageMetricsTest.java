package dev.podstage.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.config.StageConfigLoader;
import dev.podstage.runtime.stage.AirflowContext;
import dev.podstage.testkit.StatsdCatcher;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stage's meters reaching a real UDP socket standing in for the StatsD agent. */
class StageMetricsTest {

    /**
     * Micrometer's own UDP client connects asynchronously and dropped what was recorded before it
     * had: a stage that reached its first cache miss early lost that counter (seen in CI).
     */
    @Test
    void whatIsRecordedRightAfterCreationArrives() {
        try (StatsdCatcher agent = new StatsdCatcher()) {
            StageMetrics metrics = StageMetrics.create(
                    config(agent.port()),
                    AirflowContext.fromEnvironment(Map.of("AIRFLOW_CTX_DAG_ID", "dag", "AIRFLOW_CTX_TASK_ID", "task")),
                    "infer");
            metrics.counter("cache.misses", "namespace", "infer").increment(32);
            metrics.summary("infer.batch.size").record(32);
            metrics.close();

            assertThat(agent.lines())
                    .contains(
                            "podstage.cache.misses:32|c|#statistic:count,dag_id:dag,namespace:infer,stage:infer,task_id:task")
                    .anySatisfy(l -> assertThat(l).startsWith("podstage.infer.batch.size:32|h|"));
        }
    }

    private static SharedConfig config(int port) {
        return new StageConfigLoader()
                .load(Map.of(
                        "podstage.metrics-enabled",
                        "true",
                        "podstage.statsd-host",
                        "127.0.0.1",
                        "podstage.statsd-port",
                        Integer.toString(port)))
                .getConfigMapping(SharedConfig.class, SharedConfig.PREFIX);
    }
}
