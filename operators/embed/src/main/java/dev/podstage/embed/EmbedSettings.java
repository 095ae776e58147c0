package dev.podstage.embed;

import dev.podstage.embedding.EncoderSettings;
import java.nio.file.Path;

/** The validated configuration of one {@code embed} run. */
record EmbedSettings(
        Path input,
        Path output,
        String textField,
        int batchSize,
        int threads,
        EncoderSettings encoder,
        String variant) {}
