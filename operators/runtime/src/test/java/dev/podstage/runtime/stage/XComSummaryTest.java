package dev.podstage.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class XComSummaryTest {

    @Test
    void aSuccessCarriesTheCommonFieldsThenTheStagesOwn() {
        ObjectNode metrics = StageOutcome.object().put("requests", 4);
        ObjectNode extra = StageOutcome.object().put("model", "m");
        StageOutcome outcome = new StageOutcome(10, 8, 1, 1, List.of("file:///out.jsonl"), metrics, extra);

        ObjectNode value = XComSummary.success("infer", "1", "abc", outcome, 1234);

        assertThat(value.fieldNames())
                .toIterable()
                .containsExactly(
                        "stage",
                        "status",
                        "records_in",
                        "records_out",
                        "rejects",
                        "dropped",
                        "outputs",
                        "metrics",
                        "job_key",
                        "stage_version",
                        "model");
        assertThat(value.get("status").asText()).isEqualTo("success");
        assertThat(value.get("records_in").asLong()).isEqualTo(10);
        assertThat(value.get("outputs").get(0).asText()).isEqualTo("file:///out.jsonl");
        assertThat(value.get("metrics").toString()).isEqualTo("{\"duration_ms\":1234,\"requests\":4}");
        assertThat(value.get("job_key").asText()).isEqualTo("abc");
    }

    @Test
    void aJobAlreadyDoneReturnsItsStoredValueMarkedSo() throws Exception {
        ObjectNode value = XComSummary.alreadyDone("{\"stage\":\"store\",\"status\":\"success\",\"records_in\":3}");
        assertThat(value.toString()).isEqualTo("{\"stage\":\"store\",\"status\":\"already_done\",\"records_in\":3}");
    }

    @Test
    void aStopThatSavedItsWorkIsInterruptedAnyOtherFailed() {
        assertThat(RunStatus.of(new TransientException("x"))).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(RunStatus.of(new BudgetReachedException("x"))).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(RunStatus.of(new InputRejectedException("x"))).isEqualTo(RunStatus.FAILED);
        assertThat(RunStatus.of(new InternalFailureException("x"))).isEqualTo(RunStatus.FAILED);
        assertThat(RunStatus.INTERRUPTED.tag).isEqualTo("interrupted");
        assertThat(RunStatus.ALREADY_DONE.tag).isEqualTo("already_done");
    }
}
