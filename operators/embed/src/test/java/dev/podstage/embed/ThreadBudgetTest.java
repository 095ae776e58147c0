package dev.podstage.embed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadBudgetTest {

    @Test
    void byDefaultOneSingleThreadedWorkerPerCore() {
        ThreadBudget budget = ThreadBudget.of(4, null, null);

        assertThat(budget.workers()).isEqualTo(4);
        assertThat(budget.intraOpThreads()).isEqualTo(1);
        assertThat(budget.oversubscribed()).isFalse();
    }

    @Test
    void fewerWorkersShareTheCoresInsideEachBatch() {
        assertThat(ThreadBudget.of(8, 2, null).intraOpThreads()).isEqualTo(4);
        assertThat(ThreadBudget.of(2, 1, null).intraOpThreads()).isEqualTo(2);
        assertThat(ThreadBudget.of(3, 2, null).intraOpThreads()).isEqualTo(1);
    }

    @Test
    void moreWorkersThanCoresStillGetOneThreadEachAndAreFlagged() {
        ThreadBudget budget = ThreadBudget.of(2, 6, null);

        assertThat(budget.intraOpThreads()).isEqualTo(1);
        assertThat(budget.oversubscribed()).isTrue();
        assertThat(ThreadBudget.of(2, 2, 2).oversubscribed()).isTrue();
        assertThat(ThreadBudget.of(2, 1, 2).oversubscribed()).isFalse();
    }
}
