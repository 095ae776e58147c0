package dev.podstage.embed;

import dev.podstage.embedding.Device;
import dev.podstage.embedding.EncoderSettings;
import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.stage.SingleFileIo;
import java.nio.file.Path;
import java.util.Locale;
import org.jboss.logging.Logger;

/** The validated configuration of one {@code embed} run. */
record EmbedSettings(
        Path input,
        Path output,
        String textField,
        int batchSize,
        int threads,
        EncoderSettings encoder,
        String variant) {

    static final int MAX_BATCH_SIZE = 1024;

    /** The oversubscription warning is the stage's, under its name in the task log. */
    private static final Logger LOG = Logger.getLogger(EmbedStage.class);

    /**
     * Checks the configuration, key by key in a fixed order: the first bad one is a {@link ConfigProblem}.
     * The threads are sized on the cores the JVM sees.
     */
    static EmbedSettings from(EmbedConfig c, SharedConfig shared) {
        String p = EmbedConfig.PREFIX + ".";
        if (c.textField().isBlank()) {
            throw new ConfigProblem(p + "text-field", c.textField(), "a record field name, e.g. text");
        }
        int batchSize = Checks.positive(p + "batch-size", c.batchSize());
        if (batchSize > MAX_BATCH_SIZE) {
            throw new ConfigProblem(p + "batch-size", batchSize, "an integer from 1 to " + MAX_BATCH_SIZE);
        }
        c.threads().ifPresent(v -> Checks.positive(p + "threads", v));
        c.intraOpThreads().ifPresent(v -> Checks.positive(p + "intra-op-threads", v));
        if (!c.device().supportedByRuntime()) {
            throw new ConfigProblem(
                    p + "device",
                    c.device().name().toLowerCase(Locale.ROOT),
                    "cpu — this build's ONNX Runtime has no CUDA provider; cuda needs the image built with -Pgpu"
                            + " (onnxruntime_gpu) on a node with an NVIDIA GPU");
        }
        ThreadBudget budget = ThreadBudget.of(
                Runtime.getRuntime().availableProcessors(),
                c.threads().isPresent() ? c.threads().getAsInt() : null,
                c.intraOpThreads().isPresent() ? c.intraOpThreads().getAsInt() : null);
        if (budget.oversubscribed() && c.device() == Device.CPU) {
            LOG.warnf(
                    "%d threads x %d intra-op threads on %d cores: batches will compete for the CPU",
                    budget.workers(), budget.intraOpThreads(), budget.cores());
        }
        Path workDir = c.workDir()
                .map(d -> Path.of(d))
                .orElse(EncoderSettings.defaults().workDir());

        SingleFileIo io = SingleFileIo.of(shared, EmbedStage.NAME);
        return new EmbedSettings(
                io.input(),
                io.output(),
                c.textField(),
                batchSize,
                budget.workers(),
                new EncoderSettings(c.device(), budget.intraOpThreads(), workDir),
                shared.variant().orElse(null));
    }

    SingleFileIo io() {
        return new SingleFileIo(input, output);
    }
}
