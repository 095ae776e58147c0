package dev.podstage.ingest;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;

/** The {@code ingest} stage: validates its configuration into an {@link IngestJob}. */
@ApplicationScoped
public class IngestStage extends ConfiguredStage<IngestConfig> {

    /** Bump when the shards for the same input and configuration change. */
    static final String VERSION = "1";

    public IngestStage() {
        super("ingest", VERSION, IngestConfig.class, IngestConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(IngestConfig c, SharedConfig shared) {
        return new IngestJob(IngestSettings.from(c, shared));
    }
}
