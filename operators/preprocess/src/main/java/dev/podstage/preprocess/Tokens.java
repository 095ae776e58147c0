package dev.podstage.preprocess;

/**
 * The token estimate: code points / 4, rounded up — OpenAI's rule of thumb for English (about four
 * characters per token). No tokenizer is loaded: chunk sizes and cost projections need to be about
 * right and the same everywhere, not exact for one model. It underestimates for CJK scripts and
 * code; infer's budget uses its own, deliberately higher estimate (code points / 3 + 8).
 */
final class Tokens {

    static final int CHARS_PER_TOKEN = 4;

    private Tokens() {}

    static int ofCodePoints(int codePoints) {
        return (codePoints + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    static int of(String text) {
        return ofCodePoints(text.codePointCount(0, text.length()));
    }
}
