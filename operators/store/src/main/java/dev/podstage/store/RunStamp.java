package dev.podstage.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;
import dev.podstage.runtime.stage.AirflowContext;

/**
 * Who wrote a row: the Airflow task (from {@code AIRFLOW_CTX_*}) and the job key. Outside Airflow
 * the run row is still keyed by a pure function of the job: run {@code local-<job key>}, task
 * {@code store}.
 */
record RunStamp(String dagId, String runId, String taskId, String mapIndex, String tryNumber, String jobKey) {

    static RunStamp of(AirflowContext airflow, String jobKey) {
        return new RunStamp(
                airflow.dagId(), airflow.runId(), airflow.taskId(), airflow.mapIndex(), airflow.tryNumber(), jobKey);
    }

    /** The columns every stored row carries, as one JSON parameter (nulls outside Airflow). */
    String rowColumns() {
        ObjectNode stamp = Json.MAPPER.createObjectNode();
        stamp.put("dag_id", dagId);
        stamp.put("run_id", runId);
        stamp.put("task_id", taskId);
        stamp.put("job_key", jobKey);
        return stamp.toString();
    }

    /** The key and columns of this task's {@code podstage_runs} row. */
    ObjectNode runRow(String stage) {
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put("dag_id", blank(dagId) ? "" : dagId);
        row.put("run_id", blank(runId) ? "local-" + jobKey.substring(0, 16) : runId);
        row.put("task_id", blank(taskId) ? stage : taskId);
        row.put("map_index", blank(mapIndex) ? "-1" : mapIndex);
        row.put("stage", stage);
        row.put("job_key", jobKey);
        row.put("try_number", tryNumber);
        return row;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
