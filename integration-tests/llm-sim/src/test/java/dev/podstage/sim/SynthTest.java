package dev.podstage.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;

class SynthTest {

    @Test
    void countsOneTokenPerFourCodePointsAtLeastOne() {
        assertThat(Synth.tokens("")).isEqualTo(1);
        assertThat(Synth.tokens("abcd")).isEqualTo(1);
        assertThat(Synth.tokens("abcde")).isEqualTo(2);
        assertThat(Synth.tokens("\uD83D\uDE00".repeat(5))).isEqualTo(2); // 5 code points in 10 chars
    }

    @Test
    void generatedTextMeasuresExactlyTheRequestedTokens() {
        for (int n : new int[] {1, 2, 16, 100}) {
            String text = Synth.text("m", "prompt", n);
            assertThat(Synth.tokens(text)).isEqualTo(n);
            assertThat(text.split(" ")).hasSize(n).startsWith("sim");
        }
    }

    @Test
    void embeddingsAreUnitLengthAndInputDerived() {
        float[] a = Synth.embedding("m", "text", 128);
        double norm = 0;
        for (float x : a) {
            norm += x * x;
        }

        assertThat(Math.sqrt(norm)).isCloseTo(1.0, offset(1e-5));
        assertThat(Synth.embedding("m", "text", 128)).isEqualTo(a);
        assertThat(Synth.embedding("m", "text2", 128)).isNotEqualTo(a);
    }
}
