package dev.podstage.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesWithoutJitterUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), 0);
        RuntimeException plain = new RuntimeException("boom");

        assertThat(backoff.nextDelayInMillis(plain)).isEqualTo(100);
        assertThat(backoff.nextDelayInMillis(plain)).isEqualTo(200);
        assertThat(backoff.nextDelayInMillis(plain)).isEqualTo(400);
        assertThat(backoff.nextDelayInMillis(plain)).isEqualTo(500);
    }

    @Test
    void jitterStaysWithinItsBand() {
        for (int i = 0; i < 200; i++) {
            long delay = new Backoff(Duration.ofMillis(1000), Duration.ofSeconds(10), 0.5)
                    .nextDelayInMillis(new RuntimeException());
            assertThat(delay).isBetween(750L, 1250L);
        }
    }

    @Test
    void retryAfterWinsWhenLongerButNotPastTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(5), 0);
        RemoteCallException limited = RemoteCallException.ofStatus("http://x", 429, Duration.ofSeconds(2), "");
        RemoteCallException greedy = RemoteCallException.ofStatus("http://x", 503, Duration.ofSeconds(60), "");

        assertThat(backoff.nextDelayInMillis(limited)).isEqualTo(2000);
        assertThat(backoff.nextDelayInMillis(greedy)).isEqualTo(5000);
    }

    @Test
    void parsesRetryAfterSecondsAndDates() {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        assertThat(RetryAfter.parse("3", now)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse("Wed, 25 Nov 2026 10:00:07 GMT", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("soon", now)).isNull();
        assertThat(RetryAfter.parse(null, now)).isNull();
    }
}
