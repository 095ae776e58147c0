package dev.podstage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.stage.AirflowContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStampTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void insideAirflowTheRunRowIsKeyedByTheTaskInstance() {
        RunStamp stamp = RunStamp.of(
                AirflowContext.fromEnvironment(Map.of(
                        "AIRFLOW_CTX_DAG_ID",
                        "rag",
                        "AIRFLOW_CTX_RUN_ID",
                        "scheduled__1",
                        "AIRFLOW_CTX_TASK_ID",
                        "store_chunks",
                        "AIRFLOW_CTX_MAP_INDEX",
                        "3",
                        "AIRFLOW_CTX_TRY_NUMBER",
                        "2")),
                KEY);

        assertThat(stamp.runRow("store").toString())
                .isEqualTo("{\"dag_id\":\"rag\",\"run_id\":\"scheduled__1\","
                        + "\"task_id\":\"store_chunks\",\"map_index\":\"3\",\"stage\":\"store\",\"job_key\":\"" + KEY
                        + "\",\"try_number\":\"2\"}");
        assertThat(stamp.rowColumns()).contains("\"run_id\":\"scheduled__1\"").doesNotContain("try");
    }

    @Test
    void outsideAirflowTheRunIsNamedAfterTheJobNotTheClock() {
        RunStamp stamp = RunStamp.of(AirflowContext.fromEnvironment(Map.of()), KEY);

        assertThat(stamp.runRow("store").get("run_id").asText()).isEqualTo("local-0123456789abcdef");
        assertThat(stamp.runRow("store").get("task_id").asText()).isEqualTo("store");
        assertThat(stamp.runRow("store").get("dag_id").asText()).isEmpty();
        assertThat(stamp.rowColumns()).contains("\"dag_id\":null");
    }
}
