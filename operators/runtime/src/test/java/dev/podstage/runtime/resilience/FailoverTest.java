package dev.podstage.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The failover's outage rule on real SmallRye guards; the endpoint is a counted function, the guards are not. */
class FailoverTest {

    private static final TypeLiteral<Uni<String>> TEXT = new TypeLiteral<>() {};
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Breakers are registered by name, once per process: each test has endpoints of its own. */
    private static final AtomicInteger TESTS = new AtomicInteger();

    private final String primary = "http://primary-" + TESTS.incrementAndGet();

    private final AtomicInteger calls = new AtomicInteger();

    /** No retries, a breaker that opens when 2 of the last 2 calls were endpoint faults. */
    private static EndpointGuard<String> guard(String endpoint, Duration circuitDelay) {
        return new EndpointGuard<>(
                TEXT,
                endpoint,
                new GuardSettings(
                        Duration.ofSeconds(5),
                        0,
                        Duration.ofMillis(1),
                        Duration.ofMillis(1),
                        0,
                        2,
                        1.0,
                        circuitDelay,
                        4),
                () -> {});
    }

    private static Failover<String> failover(EndpointGuard<String> guard, Duration maxOutage) {
        return new Failover<>(List.of(guard), () -> {}, maxOutage, Duration.ofMillis(20));
    }

    /** Fails with {@code status} for the first {@code failures} calls, then answers "ok". */
    private Uni<String> endpoint(int failures, int status) {
        int call = calls.incrementAndGet();
        return call <= failures
                ? Uni.createFrom().failure(RemoteCallException.ofStatus(primary, status, null, ""))
                : Uni.createFrom().item("ok");
    }

    @Test
    void rateLimitsDoNotOpenTheBreaker() {
        Failover<String> failover = failover(guard(primary, Duration.ofMinutes(10)), Duration.ZERO);
        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> failover.call(target -> endpoint(6, 429), () -> false)
                            .await()
                            .atMost(WAIT))
                    .isInstanceOf(EndpointsDownException.class);
        }

        var answer =
                failover.call(target -> endpoint(6, 429), () -> false).await().atMost(WAIT);

        assertThat(answer.value()).isEqualTo("ok");
        assertThat(calls)
                .as("every call reached the endpoint: six 429s left the breaker closed")
                .hasValue(7);
    }

    @Test
    void aCallWaitsForTheOpenBreakersProbeInsteadOfFailing() {
        EndpointGuard<String> guard = guard(primary, Duration.ofMillis(300));
        Failover<String> failover = failover(guard, Duration.ofMinutes(1));
        // Two 503s open the breaker; the call then waits, refused without reaching the endpoint, until the
        // breaker half-opens and lets its probe through.
        var answer =
                failover.call(target -> endpoint(2, 503), () -> false).await().atMost(WAIT);

        assertThat(answer.value()).isEqualTo("ok");
        assertThat(calls)
                .as("two failures and the probe; the refused rounds never reached the endpoint")
                .hasValue(3);
    }

    @Test
    void anOutageLongerThanThePatienceEndsTheCallNamingHowLongItWaited() {
        Failover<String> failover = failover(guard(primary, Duration.ofMillis(50)), Duration.ofMillis(200));

        assertThatThrownBy(() -> failover.call(target -> endpoint(Integer.MAX_VALUE, 503), () -> false)
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(EndpointsDownException.class)
                .hasMessageStartingWith("no endpoint answered for 0.")
                .hasMessageContaining("HTTP 503")
                .satisfies(e -> assertThat(((EndpointsDownException) e).waited())
                        .isGreaterThanOrEqualTo(Duration.ofMillis(200)));
        assertThat(calls.get()).as("it went round more than once").isGreaterThan(1);
    }

    @Test
    void aStoppingRunEndsTheWaitWithTheLastFailure() {
        Failover<String> failover = failover(guard(primary, Duration.ofMinutes(10)), Duration.ofMinutes(10));

        assertThatThrownBy(() -> failover.call(target -> endpoint(Integer.MAX_VALUE, 503), () -> true)
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(RemoteCallException.class)
                .hasMessageContaining("HTTP 503");
        assertThat(calls).hasValue(1);
    }

    @Test
    void credentialAndRequestErrorsAreNotWaitedOut() {
        Failover<String> failover = failover(guard(primary, Duration.ofMinutes(10)), Duration.ofMinutes(10));

        assertThatThrownBy(() -> failover.call(target -> endpoint(1, 401), () -> false)
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(RemoteCallException.class)
                .hasMessageContaining("HTTP 401");
        assertThatThrownBy(() -> failover.call(target -> endpoint(2, 400), () -> false)
                        .await()
                        .atMost(WAIT))
                .isInstanceOf(RemoteCallException.class)
                .hasMessageContaining("HTTP 400");
        assertThat(calls).hasValue(2);
    }

    @Test
    void afterAnOutageTheCallStartsAgainFromThePrimary() {
        AtomicInteger primaryCalls = new AtomicInteger();
        Failover<String> failover = new Failover<>(
                List.of(guard(primary, Duration.ofMinutes(10)), guard(primary + "-fallback", Duration.ofMinutes(10))),
                () -> {},
                Duration.ofMinutes(1),
                Duration.ofMillis(20));

        var answer = failover.call(
                        target -> {
                            if (target.equals(primary)) {
                                return primaryCalls.incrementAndGet() == 1
                                        ? Uni.createFrom()
                                                .failure(RemoteCallException.transport(
                                                        primary, new java.net.ConnectException("refused")))
                                        : Uni.createFrom().item("primary");
                            }
                            return Uni.createFrom().failure(RemoteCallException.ofStatus(target, 502, null, ""));
                        },
                        () -> false)
                .await()
                .atMost(WAIT);

        assertThat(answer.value()).isEqualTo("primary");
        assertThat(answer.endpoint()).isEqualTo(primary);
    }
}
