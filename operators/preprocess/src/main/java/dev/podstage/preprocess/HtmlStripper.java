package dev.podstage.preprocess;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML to text with jsoup's HTML5 parser (entities decoded, broken markup repaired as browsers do).
 * Text is kept, laid out roughly as a browser would: whitespace inside text collapses (except in
 * {@code <pre>}), block elements and {@code <br>} start new lines. What is not shown as text —
 * scripts, styles, templates, SVG/MathML, comments — is dropped. A text without anything that
 * looks like a tag ({@code <} followed by a letter, {@code /}, {@code !} or {@code ?}) is not
 * parsed: only its entities are decoded, and its line breaks stay (plain text and Markdown that
 * merely say {@code R&amp;D} keep their paragraphs).
 */
final class HtmlStripper {

    static final Set<String> BLOCKS = Set.of(
            "address",
            "article",
            "aside",
            "blockquote",
            "body",
            "caption",
            "dd",
            "details",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "html",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "pre",
            "section",
            "summary",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "title",
            "tr",
            "ul");
    static final Set<String> HIDDEN =
            Set.of("script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas");

    private HtmlStripper() {}

    static boolean hasTag(String text) {
        for (int i = text.indexOf('<'); i >= 0 && i + 1 < text.length(); i = text.indexOf('<', i + 1)) {
            char next = text.charAt(i + 1);
            boolean letter = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
            if (letter || next == '/' || next == '!' || next == '?') {
                return true;
            }
        }
        return false;
    }

    static String strip(String html) {
        if (!hasTag(html)) {
            return html.indexOf('&') < 0 ? html : Parser.unescapeEntities(html, false);
        }
        Visitor visitor = new Visitor(html.length());
        NodeTraversor.traverse(visitor, Jsoup.parse(html));
        return visitor.out.toString();
    }

    private static final class Visitor implements NodeVisitor {
        final StringBuilder out;
        int hidden;
        int pre;

        Visitor(int capacity) {
            out = new StringBuilder(capacity);
        }

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode text) {
                if (hidden == 0) {
                    appendText(text.getWholeText());
                }
            } else if (node instanceof Element element) {
                String name = element.normalName();
                if (HIDDEN.contains(name)) {
                    hidden++;
                } else if (hidden == 0 && (BLOCKS.contains(name) || name.equals("br"))) {
                    out.append('\n');
                }
                if (name.equals("pre")) {
                    pre++;
                }
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (node instanceof Element element) {
                String name = element.normalName();
                if (HIDDEN.contains(name)) {
                    hidden--;
                } else if (hidden == 0 && BLOCKS.contains(name)) {
                    out.append('\n');
                }
                if (name.equals("pre")) {
                    pre--;
                }
            }
        }

        /** HTML collapses runs of ASCII whitespace into one space, except in preformatted text. */
        private void appendText(String text) {
            if (pre > 0) {
                out.append(text);
                return;
            }
            boolean inSpace = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
                    if (!inSpace) {
                        out.append(' ');
                        inSpace = true;
                    }
                } else {
                    out.append(c);
                    inSpace = false;
                }
            }
        }
    }
}
