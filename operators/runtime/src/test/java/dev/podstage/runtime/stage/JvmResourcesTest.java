package dev.podstage.runtime.stage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmResourcesTest {

    @Test
    void describesTheHeapInMebibytesAndTheCpus() {
        assertThat(new JvmResources(518L << 20, 1).describe()).isEqualTo("heap up to 518 MiB, 1 CPU");
        assertThat(new JvmResources((3L << 30) + 12345, 4).describe()).isEqualTo("heap up to 3072 MiB, 4 CPUs");
    }

    @Test
    void currentIsWhatThisJvmReports() {
        JvmResources current = JvmResources.current();
        assertThat(current.maxHeapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(current.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
