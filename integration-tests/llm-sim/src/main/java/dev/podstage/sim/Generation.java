package dev.podstage.sim;

/**
 * What a simulated model writes for one prompt: the reference answer when its profile's quality covers
 * the question's difficulty, else text derived from model and prompt ({@link Synth#text}); plus the
 * hidden reasoning tokens it bills. Everything derives from the input, so a repeated request gets the
 * same answer.
 *
 * @param text            the visible answer
 * @param tokens          the visible answer's tokens
 * @param reasoningTokens billed on top of {@code tokens}
 */
record Generation(String text, int tokens, int reasoningTokens) {

    /** Completion tokens as billed: visible plus reasoning. */
    int billedTokens() {
        return tokens + reasoningTokens;
    }

    /** {@code cap}: the request's max_tokens (visible and reasoning together), MAX_VALUE without one. */
    static Generation of(SimConfig config, String model, String prompt, int cap) {
        ModelProfile profile = config.profile(model);
        Answers.Known known = profile.quality() > 0 ? config.answers().find(prompt) : null;
        String text;
        if (known != null && known.difficulty() < profile.quality()) {
            text = Synth.truncate(known.reference(), cap);
        } else {
            text = Synth.text(model, prompt, Math.min(config.outputTokens(), cap));
        }
        int tokens = Synth.tokens(text);
        int reasoning = Math.max(0, Math.min(profile.reasoningTokens(), cap - tokens));
        return new Generation(text, tokens, reasoning);
    }
}
