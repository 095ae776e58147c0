package dev.podstage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextPipelineTest {

    @Test
    void nfcComposesAndNfkcAlsoFoldsCompatibilityCharacters() {
        String decomposed = "Cafe\u0301 \uFB01le"; // e + combining acute, "fi" ligature
        assertThat(new TextPipeline(false, false, UnicodeForm.NFC).apply(decomposed))
                .isEqualTo("Caf\u00E9 \uFB01le");
        assertThat(new TextPipeline(false, false, UnicodeForm.NFKC).apply(decomposed))
                .isEqualTo("Caf\u00E9 file");
        assertThat(new TextPipeline(false, false, UnicodeForm.NONE).apply(decomposed))
                .isEqualTo(decomposed);
    }

    @Test
    void entitiesAreDecodedBeforeNormalisation() {
        assertThat(new TextPipeline(false, true, UnicodeForm.NFC).apply("<p>e&#x301;</p>"))
                .isEqualTo("\u00E9");
    }

    @Test
    void markdownWithInlineHtmlKeepsItsTextAndAnEscapedAsteriskStaysLiteral() {
        TextPipeline both = new TextPipeline(true, true, UnicodeForm.NFC);

        assertThat(both.apply("# Title\n\nSome **bold** and <sub>x</sub> and &#42;stars&#42;.\n"))
                .isEqualTo("Title Some bold and x and *stars*.");
        assertThat(both.apply("<p>An <em>HTML</em> page</p>")).isEqualTo("An HTML page");
    }

    @Test
    void withoutStrippingMarkupIsText() {
        assertThat(new TextPipeline(false, false, UnicodeForm.NFC).apply("<b>x</b>  **y**"))
                .isEqualTo("<b>x</b> **y**");
    }
}
