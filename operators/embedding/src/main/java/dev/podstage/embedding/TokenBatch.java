package dev.podstage.embedding;

import java.util.List;

/**
 * Token ids, attention mask and token types of a batch, right-padded with zeros to its longest
 * sequence and flattened row-major: the {@code [rows, columns]} tensors a BERT model takes.
 * Padding to the batch's own longest sequence (not a fixed length) keeps short batches cheap.
 */
record TokenBatch(int rows, int columns, long[] ids, long[] mask, long[] types) {

    /** One tokenised text: ids, attention mask and token types of equal length. */
    record Sequence(long[] ids, long[] mask, long[] types) {}

    static TokenBatch of(List<Sequence> sequences) {
        int rows = sequences.size();
        int columns = 1;
        for (Sequence s : sequences) {
            columns = Math.max(columns, s.ids().length);
        }
        long[] ids = new long[rows * columns];
        long[] mask = new long[rows * columns];
        long[] types = new long[rows * columns];
        for (int r = 0; r < rows; r++) {
            Sequence s = sequences.get(r);
            System.arraycopy(s.ids(), 0, ids, r * columns, s.ids().length);
            System.arraycopy(s.mask(), 0, mask, r * columns, s.mask().length);
            System.arraycopy(s.types(), 0, types, r * columns, s.types().length);
        }
        return new TokenBatch(rows, columns, ids, mask, types);
    }

    long[] shape() {
        return new long[] {rows, columns};
    }
}
