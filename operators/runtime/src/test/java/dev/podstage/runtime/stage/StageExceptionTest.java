package dev.podstage.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.config.ConfigProblem;
import org.junit.jupiter.api.Test;

class StageExceptionTest {

    @Test
    void eachConditionKnowsItsExitCodeOfTheContract() {
        assertThat(new ConfigurationException("x").exitCode()).isEqualTo(2);
        assertThat(new ConfigProblem("podstage.x", "y", "z").exitCode()).isEqualTo(2);
        assertThat(new InputRejectedException("x").exitCode()).isEqualTo(3);
        assertThat(new BudgetReachedException("x").exitCode()).isEqualTo(4);
        assertThat(new TransientException("x").exitCode()).isEqualTo(75);
        assertThat(new InternalFailureException("x").exitCode()).isEqualTo(1);
    }

    @Test
    void onlyTheStopsThatSaveTheirWorkAreResumable() {
        assertThat(new TransientException("x").resumable()).isTrue();
        assertThat(new BudgetReachedException("x").resumable()).isTrue();
        assertThat(new ConfigurationException("x").resumable()).isFalse();
        assertThat(new InputRejectedException("x").resumable()).isFalse();
        assertThat(new InternalFailureException("x").resumable()).isFalse();
    }

    @Test
    void aConfigProblemNamesTheKeyTheValueAndWhatIsAllowed() {
        assertThat(new ConfigProblem("podstage.infer.batch-size", 0, "1 to 2048"))
                .hasMessage("invalid configuration: podstage.infer.batch-size='0' (allowed: 1 to 2048)");
        assertThat(new ConfigProblem("podstage.infer.model", null, "a model name"))
                .hasMessage("invalid configuration: podstage.infer.model=<unset> (allowed: a model name)");
    }
}
