package dev.podstage.infer;

/** Prices per 1,000 input and output tokens, as providers publish them. */
record Pricing(double inputPer1k, double outputPer1k) {

    double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPer1k + outputTokens * outputPer1k) / 1000.0;
    }
}
