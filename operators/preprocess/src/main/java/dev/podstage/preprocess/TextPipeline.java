package dev.podstage.preprocess;

/**
 * A document's text from raw to clean. Markdown goes first, while its lines are intact (an HTML
 * parse collapses line breaks) and before entities are decoded (so {@code &#42;} stays a literal
 * asterisk instead of becoming emphasis); then HTML; then Unicode normalisation, after entities
 * such as {@code e&#x301;} are decoded; whitespace and control cleanup last, so that nothing
 * re-introduces mess.
 */
record TextPipeline(boolean stripMarkdown, boolean stripHtml, UnicodeForm unicodeForm) {

    String apply(String raw) {
        String text = raw;
        if (stripMarkdown) {
            text = MarkdownStripper.strip(text);
        }
        if (stripHtml) {
            text = HtmlStripper.strip(text);
        }
        text = unicodeForm.apply(text);
        return TextCleaner.clean(text);
    }
}
