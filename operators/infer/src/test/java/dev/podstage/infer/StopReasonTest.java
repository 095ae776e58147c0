package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podstage.runtime.resilience.CredentialsRefusedException;
import dev.podstage.runtime.resilience.EndpointsDownException;
import dev.podstage.runtime.resilience.RemoteCallException;
import dev.podstage.runtime.stage.InternalFailureException;
import dev.podstage.runtime.stage.StageException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StopReasonTest {

    @Test
    void aSigtermIsTransientAndSaysWhatWasSaved() {
        StageException failure = new StopReason.Signalled().failure(12);
        assertThat(failure.exitCode()).isEqualTo(75);
        assertThat(failure.resumable()).isTrue();
        assertThat(failure).hasMessage("stopped by SIGTERM: 12 records answered and saved; a rerun resumes from there");
    }

    @Test
    void refusedCredentialsAreConfigurationAndNeverQuoteTheEndpoint() {
        var refusal = (CredentialsRefusedException)
                RemoteCallException.ofStatus("http://llm:8000", 401, null, "bad key sk-secret");
        StageException failure = new StopReason.CredentialsRefused(refusal).failure(3);
        assertThat(failure.exitCode()).isEqualTo(2);
        assertThat(failure.getMessage())
                .startsWith("http://llm:8000 refused the API key (HTTP 401): set podstage.infer.api-key")
                .endsWith("3 records answered and saved, a rerun with a key it accepts resumes from there")
                .doesNotContain("sk-secret");
    }

    @Test
    void failedEndpointsAreTransientAndNameTheOutageLimitWhenTheyWereDown() {
        var down = new EndpointsDownException(
                Duration.ofSeconds(2), RemoteCallException.ofStatus("http://llm:8000", 503, null, ""));
        StageException failure = new StopReason.EndpointsFailed(down, Duration.ofMinutes(5)).failure(7);
        assertThat(failure.exitCode()).isEqualTo(75);
        assertThat(failure.getCause()).isSameAs(down);
        assertThat(failure.getMessage())
                .contains("every endpoint failed (EndpointsDownException: no endpoint answered for 2.0 s")
                .contains("longer than podstage.infer.max-outage (PT5M) allows")
                .endsWith("7 records answered and saved, a rerun resumes from there");

        var once = RemoteCallException.ofStatus("http://llm:8000", 503, null, "");
        assertThat(new StopReason.EndpointsFailed(once, Duration.ZERO)
                        .failure(0)
                        .getMessage())
                .doesNotContain("max-outage");
    }

    @Test
    void theBudgetExitsWithFourAndSaysHowToResume() {
        StageException failure = new StopReason.BudgetReached("$0.99 of $1.00").failure(5);
        assertThat(failure.exitCode()).isEqualTo(4);
        assertThat(failure.getMessage())
                .isEqualTo("budget reached before crossing it: $0.99 of $1.00; 5 records answered and saved; rerun"
                        + " with a larger podstage.infer.max-cost-usd to resume");
    }

    @Test
    void lostRecordsFailWithTheCheckThatFoundThem() {
        var lost = new InternalFailureException("records lost: 3 in, but only 2 out");
        assertThat(new StopReason.RecordsLost(lost).failure(2)).isSameAs(lost);
    }
}
