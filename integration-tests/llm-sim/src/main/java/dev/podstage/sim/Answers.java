package dev.podstage.sim;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The questions the simulated models may know, with their right answers: JSON Lines with a string
 * {@code text} (the question, as it appears inside a prompt) and a string {@code reference} (other
 * fields, such as {@code id}, are ignored, so the evaluate stage's references file serves as is).
 * A prompt asks the longest known question it contains.
 */
public final class Answers {

    /** A known question and its reference answer. */
    public record Known(String question, String reference) {

        /** Where this question lies in [0, 1): a model answers it right when its quality is above. */
        public double difficulty() {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256")
                        .digest(("difficulty\n" + question).getBytes(StandardCharsets.UTF_8));
                return (ByteBuffer.wrap(hash).getLong() >>> 11) / (double) (1L << 53);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM ships SHA-256", e);
            }
        }
    }

    public static final Answers NONE = new Answers(Map.of());

    private final Map<String, String> byQuestion;

    private Answers(Map<String, String> byQuestion) {
        this.byQuestion = Map.copyOf(byQuestion);
    }

    public static Answers of(Map<String, String> referenceByQuestion) {
        referenceByQuestion.forEach((question, reference) -> {
            if (question.isBlank() || reference.isBlank()) {
                throw new IllegalArgumentException("a known question and its answer must not be blank");
            }
        });
        return new Answers(referenceByQuestion);
    }

    /** Reads {@code file}; a line that is not an object with string text and reference is an error naming it. */
    public static Answers read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read answers file " + file, e);
        }
        Map<String, String> byQuestion = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            JsonObject line;
            try {
                line = new JsonObject(lines.get(i));
            } catch (DecodeException | ClassCastException e) {
                throw new IllegalArgumentException(where + " is not a JSON object");
            }
            if (!(line.getValue("text") instanceof String text)
                    || !(line.getValue("reference") instanceof String ref)) {
                throw new IllegalArgumentException(where + " needs string fields 'text' and 'reference'");
            }
            byQuestion.putIfAbsent(text, ref);
        }
        return of(byQuestion);
    }

    public int size() {
        return byQuestion.size();
    }

    /** The longest known question inside {@code prompt}, or null. */
    public Known find(String prompt) {
        Known best = null;
        for (Map.Entry<String, String> entry : byQuestion.entrySet()) {
            if (prompt.contains(entry.getKey())
                    && (best == null
                            || entry.getKey().length() > best.question().length())) {
                best = new Known(entry.getKey(), entry.getValue());
            }
        }
        return best;
    }
}
