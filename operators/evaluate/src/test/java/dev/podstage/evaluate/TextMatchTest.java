package dev.podstage.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextMatchTest {

    @Test
    void casePunctuationArticlesAndSpacesDoNotMatter() {
        assertThat(TextMatch.matches("The Eiffel Tower.", "eiffel   tower")).isTrue();
        assertThat(TextMatch.matches("Paris!", "paris")).isTrue();
        assertThat(TextMatch.matches("ｐａｒｉｓ", "Paris"))
                .as("NFKC folds full-width letters")
                .isTrue();
    }

    @Test
    void differentWordsDoNotMatch() {
        assertThat(TextMatch.matches("Paris, France", "Paris")).isFalse();
        assertThat(TextMatch.matches("theatre", "atre"))
                .as("only whole articles are removed")
                .isFalse();
    }
}
