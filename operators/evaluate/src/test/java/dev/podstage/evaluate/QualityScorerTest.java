package dev.podstage.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityScorerTest {

    /** Unit vectors along the axis named by the text's first letter: same letter, cosine 1; else 0. */
    static final class AxisEncoder implements TextEncoder {
        final List<String> seen = new ArrayList<>();

        @Override
        public float[][] encode(List<String> texts) {
            seen.addAll(texts);
            float[][] vectors = new float[texts.size()][26];
            for (int i = 0; i < texts.size(); i++) {
                vectors[i][Character.toLowerCase(texts.get(i).charAt(0)) - 'a'] = 1;
            }
            return vectors;
        }

        @Override
        public String modelName() {
            return "axis";
        }

        @Override
        public void close() {}
    }

    private static Map<String, String> map(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void scoresOnlyTheOutputsThatHaveAReference() {
        QualityScorer scorer = new QualityScorer(map("q1", "Paris", "q2", "Berlin", "q3", "Rome"), new AxisEncoder());

        QualityScorer.Score score = scorer.score(map("q1", "paris.", "q2", "Bonn", "q9", "unreferenced"));

        assertThat(score.compared()).isEqualTo(2);
        assertThat(score.exactMatch()).isEqualTo(0.5);
        assertThat(score.similarity()).isCloseTo(1.0, within(1e-9)); // p~P and B~B
    }

    @Test
    void aReferenceIsEncodedOnceForBothVariants() {
        AxisEncoder encoder = new AxisEncoder();
        QualityScorer scorer = new QualityScorer(map("q1", "Paris", "q2", "Berlin"), encoder);

        QualityScorer.Score a = scorer.score(map("q1", "Paris", "q2", "Berlin"));
        QualityScorer.Score b = scorer.score(map("q1", "London", "q2", "Bern"));

        assertThat(a.similarity()).isCloseTo(1.0, within(1e-9));
        assertThat(b.similarity()).isCloseTo(0.5, within(1e-9));
        assertThat(encoder.seen).containsExactly("Paris", "Berlin", "Paris", "Berlin", "London", "Bern");
    }

    @Test
    void withoutReferencesInCommonThereIsNoScore() {
        QualityScorer.Score score = new QualityScorer(map("q1", "x"), null).score(map("q2", "y"));

        assertThat(score.compared()).isZero();
        assertThat(score.exactMatch()).isNull();
        assertThat(score.similarity()).isNull();
    }
}
