package dev.podstage.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MicroDollarCounterTest {

    private final Counter micros = new SimpleMeterRegistry().counter("cost_microusd");
    private final MicroDollarCounter cost = new MicroDollarCounter(micros);

    @Test
    void countsWholeMicroDollarsOfAmountsUnderOneDollar() {
        cost.add(0.0285);
        cost.add(0.0012);

        assertThat(micros.count()).isEqualTo(29_700);
    }

    @Test
    void carriesFractionsOfAMicroDollarSoManySmallAmountsAddUp() {
        for (int i = 0; i < 1000; i++) {
            cost.add(0.0000004); // 0.4 micro-dollars: each alone would round to nothing
        }

        assertThat(micros.count()).isEqualTo(400);
    }

    @Test
    void ignoresZeroNegativeAndNaN() {
        cost.add(0);
        cost.add(-1);
        cost.add(Double.NaN);

        assertThat(micros.count()).isZero();
    }
}
