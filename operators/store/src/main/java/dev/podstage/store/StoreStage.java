package dev.podstage.store;

import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.AirflowContext;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code store} stage: validates its configuration into a {@link StoreJob}. */
@ApplicationScoped
public class StoreStage extends ConfiguredStage<StoreConfig> {

    /** Bump when the rows written for the same input and configuration change. */
    static final String VERSION = "1";

    @Inject
    StoreSchema schema;

    @Inject
    Upserts upserts;

    @Inject
    RunLog runLog;

    public StoreStage() {
        super("store", VERSION, StoreConfig.class, StoreConfig.PREFIX);
    }

    @Override
    protected StageJob prepareJob(StoreConfig c, SharedConfig shared) {
        StoreSettings settings = StoreSettings.from(c, shared);
        AirflowContext airflow = AirflowContext.fromEnvironment(System.getenv());
        return new StoreJob(settings, answerConfig(settings, airflow), schema, upserts, runLog);
    }

    /**
     * What determines the rows: not the batch size (how), never the database password. The DAG run
     * is in it because the rows carry it: a new DAG run storing the same bytes takes its rows over,
     * while a retry (same run, another try) is the same job.
     */
    private static Map<String, Object> answerConfig(StoreSettings s, AirflowContext airflow) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("kind", s.kind().configName());
        config.put("dimension", s.dimension());
        config.put("vector_type", s.vectorType().configName());
        config.put("model", s.model());
        config.put("variant", s.variant());
        config.put("errors", s.errors().size());
        config.put("output", DataUri.toUri(s.output()));
        config.put("dag_id", airflow.dagId());
        config.put("run_id", airflow.runId());
        return config;
    }
}
