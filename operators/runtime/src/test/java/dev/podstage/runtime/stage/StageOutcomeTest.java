package dev.podstage.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StageOutcomeTest {

    @Test
    void everyRecordAccountedForPasses() {
        StageOutcome outcome = outcome(100, 90, 6, 4);

        assertThat(outcome.requireNothingLost()).isSameAs(outcome);
        assertThat(outcome(10, 40, 0, 0).requireNothingLost().recordsOut())
                .as("one document, many chunks")
                .isEqualTo(40);
    }

    @Test
    void aLostRecordFailsWithExitOneAndTheCounts() {
        assertThatThrownBy(() -> outcome(100, 90, 6, 3).requireNothingLost())
                .isInstanceOfSatisfying(
                        StageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILURE))
                .hasMessage("records lost: 100 in, but only 90 out + 6 rejected + 3 dropped");
    }

    private static StageOutcome outcome(long in, long out, long rejects, long dropped) {
        return new StageOutcome(in, out, rejects, dropped, List.of(), StageOutcome.object(), StageOutcome.object());
    }
}
