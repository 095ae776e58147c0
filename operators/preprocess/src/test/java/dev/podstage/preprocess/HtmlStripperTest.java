package dev.podstage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlStripperTest {

    private static String strip(String html) {
        return TextCleaner.clean(HtmlStripper.strip(html));
    }

    @Test
    void tagsGoTextStaysAndBlocksStartNewLines() {
        String html = "<html><head><title>Page</title></head><body><h1>Title</h1><p>First <b>bold</b>\n   para.</p>"
                + "<ul><li>one</li><li>two</li></ul>line<br>break</body></html>";

        assertThat(strip(html)).isEqualTo("Page\n\nTitle\n\nFirst bold para.\n\none\n\ntwo\n\nline\nbreak");
    }

    @Test
    void scriptsStylesTemplatesAndCommentsAreDropped() {
        String html = "<p>keep</p><script>var x = '<p>no</p>';</script><style>p { color: red }</style>"
                + "<!-- a comment --><template><p>tpl</p></template><noscript>enable js</noscript><p>also</p>";

        assertThat(strip(html)).isEqualTo("keep\n\nalso");
    }

    @Test
    void entitiesAreDecoded() {
        assertThat(strip("<p>caf&eacute; &amp; cr&#232;me &lt;tag&gt; &#x1F600;</p>"))
                .isEqualTo("café & crème <tag> \uD83D\uDE00");
    }

    @Test
    void preformattedTextKeepsItsLines() {
        assertThat(strip("<pre>a  b\n  c</pre>")).isEqualTo("a b\nc"); // the cleaner still collapses spaces
        assertThat(HtmlStripper.strip("<pre>x\ny</pre>")).contains("x\ny");
    }

    @Test
    void brokenMarkupIsRepairedAsBrowsersDo() {
        assertThat(strip("<div><p>unclosed <i>italic <b>both</div> after")).isEqualTo("unclosed italic both\n\nafter");
    }

    @Test
    void textWithoutTagsIsNotParsedSoItsLinesStayButEntitiesAreDecoded() {
        assertThat(HtmlStripper.strip("a < b\n\nR&amp;D > c")).isEqualTo("a < b\n\nR&D > c");
        assertThat(HtmlStripper.strip("plain\ntext")).isEqualTo("plain\ntext");
        assertThat(HtmlStripper.hasTag("x <b>y</b>")).isTrue();
        assertThat(HtmlStripper.hasTag("1 < 2 and 3 <4")).isFalse();
    }
}
