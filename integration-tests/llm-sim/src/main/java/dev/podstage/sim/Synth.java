package dev.podstage.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Deterministic model "outputs": token counts, generated text and embeddings derived only from the input. */
final class Synth {

    private static final String CONSONANTS = "bcdfghjklmnpqrstvwxz";
    private static final String VOWELS = "aeiou";

    private Synth() {}

    /** A rough tokenizer: one token per 4 code points, at least one. */
    static int tokens(String text) {
        return Math.max(1, (text.codePointCount(0, text.length()) + 3) / 4);
    }

    /**
     * "sim" followed by 3-letter words: every word with its space is 4 code points, so the text
     * measures exactly {@code tokens} tokens by {@link #tokens(String)}.
     */
    static String text(String model, String prompt, int tokens) {
        Random random = seeded(model, prompt);
        StringBuilder text = new StringBuilder(tokens * 4).append("sim");
        for (int i = 1; i < tokens; i++) {
            text.append(' ')
                    .append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())))
                    .append(VOWELS.charAt(random.nextInt(VOWELS.length())))
                    .append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())));
        }
        return text.toString();
    }

    /** {@code text} cut to at most {@code maxTokens} tokens (4 code points each), as a length cap cuts an answer. */
    static String truncate(String text, int maxTokens) {
        if (tokens(text) <= maxTokens) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxTokens * 4));
    }

    /** A unit-length vector of Gaussian components. */
    static float[] embedding(String model, String text, int dim) {
        Random random = seeded(model, text);
        double[] raw = new double[dim];
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            raw[i] = random.nextGaussian();
            norm += raw[i] * raw[i];
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[dim];
        for (int i = 0; i < dim; i++) {
            vector[i] = (float) (raw[i] / norm);
        }
        return vector;
    }

    private static Random seeded(String model, String text) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest((model + "\n" + text).getBytes(StandardCharsets.UTF_8));
            return new Random(ByteBuffer.wrap(hash).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
