package dev.podstage.preprocess;

import java.nio.file.Path;

/** The validated configuration of one {@code preprocess} run. */
record PreprocessSettings(
        Path input,
        Path output,
        String textField,
        TextPipeline pipeline,
        int chunkTokens,
        int chunkOverlap,
        boolean dedupe,
        CostProjection projection) {}
