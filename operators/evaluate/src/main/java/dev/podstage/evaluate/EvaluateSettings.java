package dev.podstage.evaluate;

import java.nio.file.Path;
import java.util.List;

/** The validated configuration of one {@code evaluate} run; {@code references} is null without one. */
record EvaluateSettings(
        String variantA,
        String variantB,
        Scope scope,
        Path references,
        SimilarityMethod similarity,
        List<Criterion> rule,
        int minSamples,
        Tolerances tolerances,
        Path output) {}
