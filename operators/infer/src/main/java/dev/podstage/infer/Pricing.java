package dev.podstage.infer;

import java.util.OptionalDouble;

/**
 * Prices per 1,000 input and output tokens, as providers publish them, and which of the two were set.
 * Without any, every call is counted at $0, which the run says (a warning, {@code "pricing": "missing"}
 * in its XCom) and a budget refuses (it would never trip).
 */
record Pricing(double inputPer1k, double outputPer1k, boolean inputGiven, boolean outputGiven) {

    static Pricing of(OptionalDouble inputPer1k, OptionalDouble outputPer1k) {
        return new Pricing(
                inputPer1k.orElse(0), outputPer1k.orElse(0), inputPer1k.isPresent(), outputPer1k.isPresent());
    }

    /** At least one price was set: the run is priced (an embeddings endpoint bills input tokens only). */
    boolean given() {
        return inputGiven || outputGiven;
    }

    double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPer1k + outputTokens * outputPer1k) / 1000.0;
    }
}
