package dev.podstage.infer;

import com.fasterxml.jackson.databind.JsonNode;

/** One input's answer: the output (text or vector) and the tokens it used ({@code estimated} when the endpoint did not say). */
public record ItemAnswer(JsonNode output, long inputTokens, long outputTokens, boolean estimatedUsage) {}
