package dev.podstage.evaluate;

import dev.podstage.embedding.SentenceEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores one variant's outputs against the references, over the ids both have: the exact-match
 * rate ({@link TextMatch}) and, with an encoder, the mean cosine between the output's and the
 * reference's embeddings. A reference is encoded once however many variants use it.
 */
final class QualityScorer {

    /** What scoring a variant gave: how many outputs had a reference, and the two scores (null when none). */
    record Score(long compared, Double exactMatch, Double similarity) {}

    private final Map<String, String> references;
    private final TextEncoder encoder;
    private final Map<String, float[]> referenceVectors = new LinkedHashMap<>();

    QualityScorer(Map<String, String> references, TextEncoder encoder) {
        this.references = references;
        this.encoder = encoder;
    }

    Score score(Map<String, String> outputs) {
        List<String> ids = new ArrayList<>();
        long matches = 0;
        for (Map.Entry<String, String> output : outputs.entrySet()) {
            String reference = references.get(output.getKey());
            if (reference != null) {
                ids.add(output.getKey());
                if (TextMatch.matches(output.getValue(), reference)) {
                    matches++;
                }
            }
        }
        if (ids.isEmpty()) {
            return new Score(0, null, null);
        }
        Double similarity = encoder == null ? null : meanCosine(ids, outputs);
        return new Score(ids.size(), (double) matches / ids.size(), similarity);
    }

    private double meanCosine(List<String> ids, Map<String, String> outputs) {
        List<String> missing =
                ids.stream().filter(id -> !referenceVectors.containsKey(id)).toList();
        float[][] encoded = encoder.encode(missing.stream().map(references::get).toList());
        for (int i = 0; i < missing.size(); i++) {
            referenceVectors.put(missing.get(i), encoded[i]);
        }
        float[][] vectors = encoder.encode(ids.stream().map(outputs::get).toList());
        double sum = 0;
        for (int i = 0; i < ids.size(); i++) {
            sum += SentenceEncoder.cosine(vectors[i], referenceVectors.get(ids.get(i)));
        }
        return sum / ids.size();
    }
}
