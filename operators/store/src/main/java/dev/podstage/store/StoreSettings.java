package dev.podstage.store;

import java.nio.file.Path;
import java.util.List;

/**
 * The validated configuration of one {@code store} run. {@code errors} are the rejects files that
 * exist; a missing one means infer rejected nothing (infer removes an empty rejects file).
 */
record StoreSettings(
        List<Path> inputs,
        List<Path> errors,
        Path output,
        InputKind kind,
        int batchSize,
        int dimension,
        VectorType vectorType,
        String model,
        String variant) {}
