package dev.podstage.runtime.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.io.Json;

/**
 * The XCom value a stage returns, as {@code docs/schemas/common.xcom.json} describes it: the
 * fields every stage has (stage, status, counts, outputs, metrics with the run's duration, job key,
 * stage version) and then the stage's own ({@link StageOutcome#extra()}).
 */
final class XComSummary {

    private XComSummary() {}

    /** A run that did the work. */
    static ObjectNode success(String stage, String stageVersion, String jobKey, StageOutcome outcome, long durationMs) {
        ObjectNode value = Json.MAPPER.createObjectNode();
        value.put("stage", stage);
        value.put("status", "success");
        value.put("records_in", outcome.recordsIn());
        value.put("records_out", outcome.recordsOut());
        value.put("rejects", outcome.rejects());
        value.put("dropped", outcome.dropped());
        var outputs = value.putArray("outputs");
        outcome.outputs().forEach(outputs::add);
        ObjectNode metrics = value.putObject("metrics");
        metrics.put("duration_ms", durationMs);
        metrics.setAll(outcome.metrics());
        value.put("job_key", jobKey);
        value.put("stage_version", stageVersion);
        value.setAll(outcome.extra());
        return value;
    }

    /** A job the ledger says is done: the value its run stored, with the status saying so. */
    static ObjectNode alreadyDone(String storedValue) throws JsonProcessingException {
        ObjectNode stored = (ObjectNode) Json.MAPPER.readTree(storedValue);
        stored.put("status", "already_done");
        return stored;
    }
}
