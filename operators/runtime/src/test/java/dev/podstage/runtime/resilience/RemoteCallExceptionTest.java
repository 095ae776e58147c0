package dev.podstage.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemoteCallExceptionTest {

    @Test
    void statusesThatMaySucceedLaterAreTransientAndRetryable() {
        for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
            RemoteCallException e = RemoteCallException.ofStatus("http://x", status, null, "");
            assertThat(e).as("HTTP %d", status).isInstanceOf(TransientCallException.class);
            assertThat(e.retryable()).as("HTTP %d", status).isTrue();
        }
    }

    @Test
    void refusedCredentialsAreTheirOwnCondition() {
        for (int status : new int[] {401, 403}) {
            RemoteCallException e = RemoteCallException.ofStatus("http://x", status, null, "");
            assertThat(e).as("HTTP %d", status).isInstanceOf(CredentialsRefusedException.class);
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void otherClientErrorsRejectTheRequest() {
        for (int status : new int[] {400, 404, 413, 422}) {
            RemoteCallException e = RemoteCallException.ofStatus("http://x", status, null, "too long");
            assertThat(e).as("HTTP %d", status).isInstanceOf(RequestRejectedException.class);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).isEqualTo("http://x answered HTTP " + status + ": too long");
            assertThat(e.endpoint()).isEqualTo("http://x");
        }
    }

    @Test
    void statusesOutsideTheContractAreUnexpectedNotRejections() {
        for (int status : new int[] {204, 302, 304}) {
            RemoteCallException e = RemoteCallException.ofStatus("http://x", status, null, "");
            assertThat(e).as("HTTP %d", status).isInstanceOf(UnexpectedStatusException.class);
            assertThat(e.retryable()).isFalse();
        }
    }

    @Test
    void noAnswerAndMalformedBodiesAreTransientWithoutAnEndpointStatus() {
        RemoteCallException unreachable = RemoteCallException.transport("http://x", new IOException("refused"));
        assertThat(unreachable).isInstanceOf(TransientCallException.class);
        assertThat(unreachable.status()).isZero();
        assertThat(unreachable.endpoint()).isNull();
        assertThat(unreachable.getMessage()).isEqualTo("http://x unreachable: IOException refused");

        RemoteCallException malformed = RemoteCallException.malformed("http://x", "empty body");
        assertThat(malformed).isInstanceOf(TransientCallException.class);
        assertThat(malformed.status()).isEqualTo(200);
    }

    @Test
    void keepsTheRetryAfterTheEndpointAskedFor() {
        assertThat(RemoteCallException.ofStatus("http://x", 429, Duration.ofSeconds(3), "")
                        .retryAfter())
                .contains(Duration.ofSeconds(3));
        assertThat(RemoteCallException.ofStatus("http://x", 503, null, "").retryAfter())
                .isEmpty();
    }
}
