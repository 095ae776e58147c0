package dev.podstage.preprocess;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown to plain text, approximately (CommonMark is not re-implemented): the text a reader sees
 * stays, the syntax goes. Per line: code fences are removed and their content kept verbatim;
 * rules, setext underlines, table separator rows and link reference definitions are removed;
 * blockquote, heading and list markers (and task boxes) are removed; table pipes become spaces.
 * Inline, outside code spans: images become their alt text, links their text, autolinks their URL,
 * emphasis and strikethrough lose their markers ({@code snake_case} words are left alone), and
 * backslash escapes are resolved. Code spans keep their content.
 *
 * <p>bench/python/baseline_preprocess.py applies the same patterns.
 */
final class MarkdownStripper {

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,}).*$");
    private static final Pattern RULE = Pattern.compile("^ {0,3}([-*_])( *\\1){2,} *$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}=+ *$");
    private static final Pattern TABLE_SEPARATOR = Pattern.compile("^ *\\|? *:?-{3,}:? *(\\| *:?-{3,}:? *)*\\|? *$");
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]: *\\S+.*$");
    private static final Pattern QUOTE = Pattern.compile("^ {0,3}(> ?)+");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}( +|$)");
    private static final Pattern CLOSING_HASHES = Pattern.compile(" +#+ *$");
    private static final Pattern LIST = Pattern.compile("^ *([-*+]|\\d{1,9}[.)]) +(\\[[ xX]\\] +)?");
    private static final Pattern TABLE_PIPES = Pattern.compile(" *\\| *");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

    private static final Pattern[] INLINE = {
        Pattern.compile("!\\[([^\\]]*)\\]\\([^)]*\\)"),
        Pattern.compile("\\[([^\\]]+)\\]\\([^)]*\\)"),
        Pattern.compile("\\[([^\\]]+)\\]\\[[^\\]]*\\]"),
        Pattern.compile("<((?:https?|ftp|mailto):[^>\\s]+)>"),
        Pattern.compile("(?U)(?<![\\\\])(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)(?<!\\\\)\\1"),
        Pattern.compile("(?U)(?<![\\w*\\\\])\\*(?=\\S)(.+?)(?<=\\S)(?<!\\\\)\\*(?![\\w*])"),
        Pattern.compile("(?U)(?<![\\w_\\\\])_(?=\\S)(.+?)(?<=\\S)(?<!\\\\)_(?![\\w_])"),
        Pattern.compile("~~(?=\\S)(.+?)(?<=\\S)~~"),
        Pattern.compile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|>~<])"),
    };
    /** The group each inline pattern keeps (bold keeps its second: the first is the marker). */
    private static final String[] KEEP = {"$1", "$1", "$1", "$1", "$2", "$1", "$1", "$1", "$1"};
    /** Strings one of which a match must contain: a line without any of them skips the pattern. */
    private static final String[][] TRIGGERS = {
        {"!["}, {"]("}, {"]["}, {"<"}, {"**", "__"}, {"*"}, {"_"}, {"~~"}, {"\\"}
    };

    private MarkdownStripper() {}

    static String strip(String markdown) {
        StringBuilder out = new StringBuilder(markdown.length());
        boolean fenced = false;
        char fence = 0;
        int start = 0;
        int length = markdown.length();
        while (start <= length) {
            int end = markdown.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            String line = markdown.substring(start, end);
            Matcher f = FENCE.matcher(line);
            if (f.matches() && (!fenced || f.group(1).charAt(0) == fence)) {
                fenced = !fenced;
                fence = f.group(1).charAt(0);
            } else if (fenced) {
                out.append(line);
            } else {
                out.append(stripLine(line));
            }
            if (end < length) {
                out.append('\n');
            }
            start = end + 1;
        }
        return out.toString();
    }

    private static String stripLine(String line) {
        if (RULE.matcher(line).matches()
                || SETEXT.matcher(line).matches()
                || TABLE_SEPARATOR.matcher(line).matches()
                || REFERENCE.matcher(line).matches()) {
            return "";
        }
        String s = QUOTE.matcher(line).replaceFirst("");
        Matcher heading = HEADING.matcher(s);
        if (heading.find()) {
            s = CLOSING_HASHES.matcher(s.substring(heading.end())).replaceFirst("");
        }
        s = LIST.matcher(s).replaceFirst("");
        if (s.trim().startsWith("|")) {
            s = TABLE_PIPES.matcher(s).replaceAll(" ").trim();
        }
        return inline(s);
    }

    /** Inline syntax, applied only between code spans; a code span keeps its content as it is. */
    static String inline(String line) {
        if (line.indexOf('`') < 0) {
            return inlineText(line);
        }
        StringBuilder out = new StringBuilder(line.length());
        Matcher code = CODE_SPAN.matcher(line);
        int last = 0;
        while (code.find()) {
            out.append(inlineText(line.substring(last, code.start())));
            out.append(code.group(2));
            last = code.end();
        }
        out.append(inlineText(line.substring(last)));
        return out.toString();
    }

    private static boolean containsAny(String s, String[] triggers) {
        for (String trigger : triggers) {
            if (s.contains(trigger)) {
                return true;
            }
        }
        return false;
    }

    private static String inlineText(String text) {
        String s = text;
        for (int i = 0; i < INLINE.length; i++) {
            if (containsAny(s, TRIGGERS[i])) {
                s = INLINE[i].matcher(s).replaceAll(KEEP[i]);
            }
        }
        return s;
    }
}
