package dev.podstage.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyGateTest {

    private final List<String> admitted = new ArrayList<>();

    @Test
    void admitsUpToTheLimitThenInArrivalOrder() {
        ConcurrencyGate gate = new ConcurrencyGate(() -> 2);
        ConcurrencyGate.Pass a = enter(gate, "a");
        enter(gate, "b");
        enter(gate, "c");
        enter(gate, "d");
        assertThat(admitted).containsExactly("a", "b");

        a.release();
        a.release(); // idempotent: must not free a second slot

        assertThat(admitted).containsExactly("a", "b", "c");
    }

    @Test
    void aQueuedPassThatLeavesIsSkipped() {
        ConcurrencyGate gate = new ConcurrencyGate(() -> 1);
        ConcurrencyGate.Pass a = enter(gate, "a");
        ConcurrencyGate.Pass b = enter(gate, "b");
        enter(gate, "c");

        b.release();
        a.release();

        assertThat(b.admitted()).isFalse();
        assertThat(admitted).containsExactly("a", "c");
    }

    @Test
    void raisingTheLimitAdmitsMoreOnTheNextRelease() {
        AtomicInteger limit = new AtomicInteger(1);
        ConcurrencyGate gate = new ConcurrencyGate(limit::get);
        ConcurrencyGate.Pass a = enter(gate, "a");
        enter(gate, "b");
        enter(gate, "c");
        enter(gate, "d");

        limit.set(0); // unlimited
        a.release();

        assertThat(admitted).containsExactly("a", "b", "c", "d");
    }

    private ConcurrencyGate.Pass enter(ConcurrencyGate gate, String name) {
        return gate.enter(() -> admitted.add(name));
    }
}
