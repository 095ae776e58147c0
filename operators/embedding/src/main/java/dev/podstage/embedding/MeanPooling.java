package dev.podstage.embedding;

import java.nio.FloatBuffer;

/**
 * Sentence vectors from token vectors the way sentence-transformers does for all-MiniLM-L6-v2:
 * the mean of the token vectors the attention mask keeps, then L2 normalisation (so cosine
 * similarity is a dot product).
 */
final class MeanPooling {

    private MeanPooling() {}

    /**
     * @param hidden the model's last hidden state, {@code [rows, columns, dimension]} row-major
     * @param mask the attention mask, {@code [rows, columns]} row-major
     */
    static float[][] pool(FloatBuffer hidden, long[] mask, int rows, int columns, int dimension) {
        float[][] vectors = new float[rows][];
        double[] sum = new double[dimension];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(sum, 0);
            int kept = 0;
            for (int c = 0; c < columns; c++) {
                if (mask[r * columns + c] == 0) {
                    continue;
                }
                kept++;
                int base = (r * columns + c) * dimension;
                for (int d = 0; d < dimension; d++) {
                    sum[d] += hidden.get(base + d);
                }
            }
            vectors[r] = normalised(sum, Math.max(kept, 1));
        }
        return vectors;
    }

    private static float[] normalised(double[] sum, int count) {
        double norm = 0;
        for (double v : sum) {
            double mean = v / count;
            norm += mean * mean;
        }
        norm = Math.max(Math.sqrt(norm), 1e-12); // as torch.nn.functional.normalize: a zero vector stays zero
        float[] vector = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            vector[d] = (float) (sum[d] / count / norm);
        }
        return vector;
    }
}
