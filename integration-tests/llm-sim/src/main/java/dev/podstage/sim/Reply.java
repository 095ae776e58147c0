package dev.podstage.sim;

/**
 * A computed successful answer and what it costs: its items, its tokens, the longest output (billed
 * tokens, reasoning included) driving per-token latency, and the base latency of the requested model.
 */
record Reply(String body, int items, long promptTokens, long completionTokens, int maxOutputTokens, long latencyMs) {}
