package dev.podstage.preprocess;

/**
 * Whitespace and control-character cleanup, in one pass over an already normalised text:
 * <ul>
 * <li>line breaks ({@code \r\n}, {@code \r}, U+0085, U+2028, U+2029) become {@code \n};</li>
 * <li>tabs, vertical tab, form feed and every Unicode space separator (NBSP, U+2000…U+200A, U+3000…)
 * become a space;</li>
 * <li>other C0/C1 control characters and invisible format characters that only get in the way
 * (zero-width space U+200B, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD) are removed —
 * ZWJ/ZWNJ stay, some scripts and emoji need them;</li>
 * <li>an unpaired surrogate becomes U+FFFD;</li>
 * <li>runs of spaces become one space, spaces at the start and end of lines go, more than one
 * blank line becomes one (a paragraph break), and the text is trimmed.</li>
 * </ul>
 */
final class TextCleaner {

    private TextCleaner() {}

    /** Zero-width space, word joiner, BOM, soft hyphen. */
    private static boolean invisible(char c) {
        return c == '\u200B' || c == '\u2060' || c == '\uFEFF' || c == '\u00AD';
    }

    static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int newlines = 0;
        boolean space = false;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
                    i++;
                }
                newlines++;
                space = false; // spaces before a line break go
                continue;
            }
            if (c == ' '
                    || c == '\t'
                    || c == '\u000B'
                    || c == '\u000C'
                    || (c > 0x7F && Character.getType(c) == Character.SPACE_SEPARATOR)) {
                space = newlines == 0; // spaces after a line break go
                continue;
            }
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || invisible(c)) {
                continue;
            }
            if (out.length() > 0) {
                if (newlines > 0) {
                    out.append(newlines > 1 ? "\n\n" : "\n");
                } else if (space) {
                    out.append(' ');
                }
            }
            newlines = 0;
            space = false;
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
