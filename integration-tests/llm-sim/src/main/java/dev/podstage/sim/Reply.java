package dev.podstage.sim;

/** A computed successful answer and what it costs: its items, its tokens, and the longest output driving latency. */
record Reply(String body, int items, long promptTokens, long completionTokens, int maxOutputTokens) {
}
