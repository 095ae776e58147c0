package dev.podstage.runtime.stage;

import java.util.Map;
import java.util.Optional;

/** The task identity KubernetesPodOperator (or the local runner) passes as {@code AIRFLOW_CTX_*} environment. */
public record AirflowContext(String dagId, String taskId, String runId, String tryNumber, String mapIndex) {

    public static AirflowContext fromEnvironment(Map<String, String> env) {
        return new AirflowContext(
                env.get("AIRFLOW_CTX_DAG_ID"),
                env.get("AIRFLOW_CTX_TASK_ID"),
                env.get("AIRFLOW_CTX_RUN_ID"),
                env.get("AIRFLOW_CTX_TRY_NUMBER"),
                env.get("AIRFLOW_CTX_MAP_INDEX"));
    }

    public Optional<String> dag() {
        return Optional.ofNullable(dagId).filter(s -> !s.isBlank());
    }

    public Optional<String> task() {
        return Optional.ofNullable(taskId).filter(s -> !s.isBlank());
    }

    /** For log lines: {@code dag/task[map]/run try n}, or "outside Airflow". */
    public String describe() {
        if (dag().isEmpty()) {
            return "outside Airflow";
        }
        return dagId + "/" + taskId + (mapIndex == null || mapIndex.equals("-1") ? "" : "[" + mapIndex + "]") + " run "
                + runId + " try " + tryNumber;
    }
}
