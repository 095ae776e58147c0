package dev.podstage.preprocess;

/**
 * What {@code infer} would cost on these chunks, at the prices it would be given: every chunk's
 * estimated tokens as input, {@code expectedOutputTokens} per chunk as output. Prompt templates and
 * system prompts add to the input and are not counted.
 */
record CostProjection(double priceInputPer1k, double priceOutputPer1k, int expectedOutputTokens) {

    long outputTokens(long chunks) {
        return chunks * expectedOutputTokens;
    }

    double cost(long inputTokens, long chunks) {
        return (inputTokens * priceInputPer1k + outputTokens(chunks) * priceOutputPer1k) / 1000.0;
    }
}
