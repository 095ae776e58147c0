package dev.podstage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownStripperTest {

    private static String strip(String markdown) {
        return TextCleaner.clean(MarkdownStripper.strip(markdown));
    }

    @Test
    void headingsQuotesListsAndRulesLoseTheirMarkers() {
        String md =
                "# Title #\n\nSetext\n======\n\n> quoted\n> > nested\n\n- one\n* two\n1. three\n- [x] done\n\n---\nend";

        assertThat(strip(md)).isEqualTo("Title\n\nSetext\n\nquoted\nnested\n\none\ntwo\nthree\ndone\n\nend");
    }

    @Test
    void emphasisLinksImagesAndEscapesBecomeTheirText() {
        assertThat(strip("Some **bold**, *italic*, __strong__, _em_ and ~~gone~~ text."))
                .isEqualTo("Some bold, italic, strong, em and gone text.");
        assertThat(strip("See [the docs](https://x.io/a_b) and ![a chart](c.png) or [ref][1] <https://y.io>."))
                .isEqualTo("See the docs and a chart or ref https://y.io.");
        assertThat(strip("\\*not emphasis\\* and 2\\*3")).isEqualTo("*not emphasis* and 2*3");
    }

    @Test
    void snakeCaseAndArithmeticAreNotEmphasis() {
        assertThat(strip("use snake_case_names and 2 * 3 * 4")).isEqualTo("use snake_case_names and 2 * 3 * 4");
    }

    @Test
    void codeKeepsItsContentVerbatim() {
        String md = "Run `a*b*c` now.\n\n```python\nx = 1  # *not* a heading\n# comment\n```\nafter";

        assertThat(MarkdownStripper.strip(md))
                .isEqualTo("Run a*b*c now.\n\n\nx = 1  # *not* a heading\n# comment\n\nafter");
    }

    @Test
    void tablesBecomeSpaceSeparatedCellsAndReferenceDefinitionsGo() {
        String md = "| name | age |\n|:-----|----:|\n| Ann | 42 |\n\n[1]: https://example.com \"title\"";

        assertThat(strip(md)).isEqualTo("name age\n\nAnn 42"); // the separator row leaves a blank line
    }
}
