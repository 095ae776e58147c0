package dev.podstage.infer;

/**
 * Reads a cache entry in exactly the layout {@link StoredAnswer#toJson} writes, with a string or
 * an array of numbers as the output (what the chat, inputs and embeddings protocols answer), in
 * one pass over its characters. Anything else — another order, spaces, other output shapes,
 * escapes in the endpoint, any fault — it leaves to the Jackson reading in {@link StoredAnswer#parse},
 * which accepts or refuses it. Why: the event loop decodes every entry of a cached run, and there
 * a parser per entry, mostly interpreted or C1-compiled, was most of its work, which the main
 * thread then waited for.
 */
final class StoredAnswerReader {

    /** Token counts and latencies have at most this many digits here; longer ones go to Jackson. */
    private static final int MAX_DIGITS = 18;

    /** Thrown, without a stack, where the entry leaves the layout. */
    private static final class Elsewhere extends RuntimeException {
        Elsewhere() {
            super("not the written layout", null, false, false);
        }
    }

    private static final Elsewhere ELSEWHERE = new Elsewhere();
    private static final String ESTIMATED = ",\"estimated_usage\":true";

    private final String e;
    private int pos;

    private StoredAnswerReader(String entry) {
        this.e = entry;
    }

    /** The answer, or null when the entry is not in the written layout (Jackson then decides). */
    static StoredAnswer read(String entry) {
        try {
            return new StoredAnswerReader(entry).answer();
        } catch (Elsewhere elsewhere) {
            return null; // reads never pass the entry's end (peek, take): a cut-off entry ends up here too
        }
    }

    private StoredAnswer answer() {
        expect("{\"output\":");
        int outputStart = pos;
        if (peek() == '"') {
            string();
        } else if (peek() == '[') {
            numbers();
        } else {
            throw ELSEWHERE;
        }
        String output = e.substring(outputStart, pos);
        expect(",\"input_tokens\":");
        long inputTokens = count();
        expect(",\"output_tokens\":");
        long outputTokens = count();
        boolean estimated = skip(ESTIMATED);
        expect(",\"endpoint\":\"");
        int endpointStart = pos;
        while (peek() != '"') {
            char c = take();
            if (c < 0x20 || c == '\\') {
                throw ELSEWHERE; // escapes are Jackson's to undo; past the end peek and take give '\0'
            }
        }
        String endpoint = e.substring(endpointStart, pos++);
        expect(",\"latency_ms\":");
        long latencyMs = count();
        expect("}");
        if (pos != e.length()) {
            throw ELSEWHERE;
        }
        return new StoredAnswer(output, inputTokens, outputTokens, estimated, endpoint, latencyMs);
    }

    /** The char at the cursor, or '\0' past the end (valid nowhere here, so reading stops). */
    private char peek() {
        return pos < e.length() ? e.charAt(pos) : '\0';
    }

    private char take() {
        char c = peek();
        pos++;
        return c;
    }

    /** Steps over {@code text} when it comes next. */
    private boolean skip(String text) {
        if (!e.startsWith(text, pos)) {
            return false;
        }
        pos += text.length();
        return true;
    }

    private void expect(String text) {
        if (!skip(text)) {
            throw ELSEWHERE;
        }
    }

    /** A JSON string, checked as Jackson checks it: no raw control character, only valid escapes. */
    private void string() {
        pos++;
        while (true) {
            char c = take();
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                throw ELSEWHERE;
            }
            if (c == '\\') {
                char escaped = take();
                if (escaped == 'u') {
                    for (int i = 0; i < 4; i++) {
                        if (!isHexDigit(take())) {
                            throw ELSEWHERE;
                        }
                    }
                } else if ("\"\\/bfnrt".indexOf(escaped) < 0) {
                    throw ELSEWHERE;
                }
            }
        }
    }

    /** {@code [n,n,…]} of JSON numbers, as Jackson writes an embedding. */
    private void numbers() {
        pos++;
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            number();
            char c = take();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                throw ELSEWHERE;
            }
        }
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} */
    private void number() {
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (peek() == '.') {
            pos++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
    }

    private void digits() {
        if (!isDigit(peek())) {
            throw ELSEWHERE;
        }
        while (isDigit(peek())) {
            pos++;
        }
    }

    /** A non-negative integer without leading zeros. */
    private long count() {
        int start = pos;
        if (peek() == '0') {
            pos++;
            return 0;
        }
        long value = 0;
        while (isDigit(peek())) {
            value = value * 10 + (take() - '0');
        }
        if (pos == start || pos - start > MAX_DIGITS) {
            throw ELSEWHERE;
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** ASCII only: Jackson refuses the other scripts' digits that {@link Character#digit} accepts. */
    private static boolean isHexDigit(char c) {
        return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
