package dev.podstage.embed;

import dev.podstage.embedding.Device;
import dev.podstage.embedding.EncoderSettings;
import dev.podstage.embedding.SentenceEncoder;
import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.SingleFileIo;
import dev.podstage.runtime.stage.SingleFileJob;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** The {@code embed} stage: validates its configuration into a job that is an {@link EmbedRun}. */
@ApplicationScoped
public class EmbedStage extends ConfiguredStage<EmbedConfig> {

    /** Bump when the output for the same input and configuration changes. */
    static final String VERSION = "1";

    static final int MAX_BATCH_SIZE = 1024;

    private static final Logger LOG = Logger.getLogger(EmbedStage.class);

    public EmbedStage() {
        super("embed", VERSION, EmbedConfig.class, EmbedConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(EmbedConfig c, SharedConfig shared) {
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
                    c.device().name().toLowerCase(java.util.Locale.ROOT),
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

        SingleFileIo io = SingleFileIo.of(shared, name());
        EmbedSettings settings = new EmbedSettings(
                io.input(),
                io.output(),
                c.textField(),
                batchSize,
                budget.workers(),
                new EncoderSettings(c.device(), budget.intraOpThreads(), workDir),
                shared.variant().orElse(null));
        return new SingleFileJob(io, answerConfig(settings), context -> new EmbedRun(settings, context).execute());
    }

    /** What determines the vectors: the model and what is read, not how many threads or which device compute them. */
    private static Map<String, Object> answerConfig(EmbedSettings s) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", SentenceEncoder.MODEL_NAME);
        config.put("dim", SentenceEncoder.DIMENSION);
        config.put("max_tokens", SentenceEncoder.MAX_TOKENS);
        config.put("text_field", s.textField());
        config.put("output", DataUri.toUri(s.output()));
        config.put("variant", s.variant());
        return config;
    }
}
