package dev.podstage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextCleanerTest {

    @Test
    void runsOfSpacesTabsAndUnicodeSpacesBecomeOneSpace() {
        assertThat(TextCleaner.clean("a  \t b\u00A0\u00A0c\u2003d\u3000e")).isEqualTo("a b c d e");
    }

    @Test
    void lineBreaksAreUnifiedAndBlankLinesCollapseToOneParagraphBreak() {
        assertThat(TextCleaner.clean("one\r\ntwo\rthree\u2028four")).isEqualTo("one\ntwo\nthree\nfour");
        assertThat(TextCleaner.clean("para one\n\n\n\n  \n para two")).isEqualTo("para one\n\npara two");
        assertThat(TextCleaner.clean("line   \n   next")).isEqualTo("line\nnext");
    }

    @Test
    void controlAndInvisibleFormatCharactersGoButJoinersStay() {
        assertThat(TextCleaner.clean("a\u0000b\u0007c\u001Bd\u007Fe\u0090f")).isEqualTo("abcdef");
        assertThat(TextCleaner.clean("\uFEFFzero\u200Bwidth soft\u00ADhyphen")).isEqualTo("zerowidth softhyphen");
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69"; // man ZWJ woman: one emoji
        assertThat(TextCleaner.clean(family)).isEqualTo(family);
    }

    @Test
    void theTextIsTrimmedAndWhitespaceOnlyBecomesEmpty() {
        assertThat(TextCleaner.clean("  \n\t hello \n ")).isEqualTo("hello");
        assertThat(TextCleaner.clean(" \u00A0\n\u200B\t")).isEmpty();
    }

    @Test
    void anUnpairedSurrogateBecomesTheReplacementCharacter() {
        assertThat(TextCleaner.clean("a\uD800b")).isEqualTo("a\uFFFDb");
        assertThat(TextCleaner.clean("a\uDC00")).isEqualTo("a\uFFFD");
    }
}
