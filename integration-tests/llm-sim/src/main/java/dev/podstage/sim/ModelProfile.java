package dev.podstage.sim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How one simulated model behaves, chosen by the request's {@code model}: a "large" model is slower,
 * thinks in more (billed) tokens and knows more answers than a "small" one.
 *
 * @param latencyMs       base latency of its requests; null: the simulator's {@code latencyMs}
 * @param quality         0.0-1.0: how many of the questions in {@link Answers} it answers with the
 *                        reference. A question's difficulty is a hash of its text, the same for every
 *                        model, so a model of higher quality knows every answer one of lower quality knows
 * @param reasoningTokens hidden tokens it bills as completion tokens on top of its visible answer (as
 *                        OpenAI reports {@code completion_tokens_details.reasoning_tokens}); they take
 *                        {@code perTokenMs} each too
 */
public record ModelProfile(Long latencyMs, double quality, int reasoningTokens) {

    /** A model without a profile: the simulator's latency, never the reference answer, no reasoning tokens. */
    public static final ModelProfile DEFAULT = new ModelProfile(null, 0.0, 0);

    public ModelProfile {
        if (latencyMs != null && latencyMs < 0) {
            throw new IllegalArgumentException("latency_ms must not be negative, got " + latencyMs);
        }
        if (!(quality >= 0.0 && quality <= 1.0)) {
            throw new IllegalArgumentException("quality must be within 0.0-1.0, got " + quality);
        }
        if (reasoningTokens < 0) {
            throw new IllegalArgumentException("reasoning_tokens must not be negative, got " + reasoningTokens);
        }
    }

    /**
     * {@code latency_ms:120,quality:0.9,reasoning_tokens:48}; every key is optional, an unknown key or a
     * value that is not a number is an error naming it.
     */
    public static ModelProfile parse(String spec) {
        Long latencyMs = null;
        double quality = 0.0;
        int reasoningTokens = 0;
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(
                        "'" + part.trim() + "' is not key:value" + " (keys: latency_ms, quality, reasoning_tokens)");
            }
            String key = part.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(colon + 1).trim();
            try {
                switch (key) {
                    case "latency_ms" -> latencyMs = Long.parseLong(value);
                    case "quality" -> quality = Double.parseDouble(value);
                    case "reasoning_tokens" -> reasoningTokens = Integer.parseInt(value);
                    default ->
                        throw new IllegalArgumentException(
                                "unknown profile key '" + key + "' (keys: latency_ms, quality, reasoning_tokens)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " needs a number, got '" + value + "'");
            }
        }
        return new ModelProfile(latencyMs, quality, reasoningTokens);
    }

    /** {@code NAME=SPEC}, as {@code --model-profile} takes it. */
    public static Map.Entry<String, ModelProfile> parseNamed(String option) {
        int eq = option.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    "a model profile is NAME=latency_ms:N,quality:X,reasoning_tokens:N," + " got '" + option + "'");
        }
        return Map.entry(option.substring(0, eq).trim(), parse(option.substring(eq + 1)));
    }

    /** The spec {@link #parse} reads back. */
    public String spec() {
        Map<String, Object> parts = new LinkedHashMap<>();
        if (latencyMs != null) {
            parts.put("latency_ms", latencyMs);
        }
        parts.put("quality", quality);
        parts.put("reasoning_tokens", reasoningTokens);
        StringBuilder spec = new StringBuilder();
        parts.forEach((k, v) ->
                spec.append(spec.isEmpty() ? "" : ",").append(k).append(':').append(v));
        return spec.toString();
    }
}
