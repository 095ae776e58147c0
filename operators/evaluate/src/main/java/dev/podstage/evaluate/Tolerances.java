package dev.podstage.evaluate;

/** How close two values may be and still be a tie: absolute for quality and error rate, relative for cost and latency. */
public record Tolerances(double quality, double errors, double relative) {}
