package dev.podstage.evaluate;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Exact match after SQuAD-style normalisation: Unicode NFKC, lower case, punctuation removed,
 * the articles a/an/the removed, whitespace collapsed — so "Paris." matches "paris".
 */
final class TextMatch {

    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{P}\\p{S}]");
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private TextMatch() {}

    static String normalise(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        s = PUNCTUATION.matcher(s).replaceAll(" ");
        s = ARTICLES.matcher(s).replaceAll(" ");
        return SPACES.matcher(s).replaceAll(" ").trim();
    }

    static boolean matches(String output, String reference) {
        return normalise(output).equals(normalise(reference));
    }
}
