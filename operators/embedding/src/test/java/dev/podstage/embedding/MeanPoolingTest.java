package dev.podstage.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeanPoolingTest {

    @Test
    void averagesOnlyTheTokensTheMaskKeepsThenNormalises() {
        // 2 rows x 3 tokens x 2 dims; row 0 keeps tokens 0 and 1, row 1 keeps token 0 only.
        float[] hidden = {
            3, 0, 1, 4, 100, 100,
            0, 5, 9, 9, 9, 9
        };
        long[] mask = {1, 1, 0, 1, 0, 0};

        float[][] v = MeanPooling.pool(FloatBuffer.wrap(hidden), mask, 2, 3, 2);

        // row 0: mean (2, 2) → (0.7071, 0.7071); row 1: (0, 5) → (0, 1)
        assertThat(v[0][0]).isCloseTo(0.70710677f, within(1e-6f));
        assertThat(v[0][1]).isCloseTo(0.70710677f, within(1e-6f));
        assertThat(v[1]).containsExactly(0f, 1f);
    }

    @Test
    void aZeroVectorStaysZero() {
        float[][] v = MeanPooling.pool(FloatBuffer.wrap(new float[] {0, 0}), new long[] {1}, 1, 1, 2);

        assertThat(v[0]).containsExactly(0f, 0f);
    }

    @Test
    void tokenBatchPadsEachRowToTheLongestWithZeros() {
        TokenBatch batch = TokenBatch.of(List.of(
                new TokenBatch.Sequence(new long[] {101, 7, 102}, new long[] {1, 1, 1}, new long[] {0, 0, 0}),
                new TokenBatch.Sequence(new long[] {101, 102}, new long[] {1, 1}, new long[] {0, 0})));

        assertThat(batch.shape()).containsExactly(2, 3);
        assertThat(batch.ids()).containsExactly(101, 7, 102, 101, 102, 0);
        assertThat(batch.mask()).containsExactly(1, 1, 1, 1, 1, 0);
    }
}
