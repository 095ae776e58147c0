package dev.podstage.store;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.stage.AirflowContext;
import dev.podstage.runtime.stage.ConfiguredStage;
import dev.podstage.runtime.stage.StageJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** The {@code store} stage: validates its configuration into a {@link StoreJob}. */
@ApplicationScoped
public class StoreStage extends ConfiguredStage<StoreConfig> {

    private static final Logger LOG = Logger.getLogger(StoreStage.class);

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
        String p = StoreConfig.PREFIX + ".";
        Checks.required(
                "podstage.db-url",
                shared.dbUrl(),
                "a postgresql://host:port/database URL (env PODSTAGE_DB_URL): store writes to PostgreSQL");
        Checks.positive(p + "batch-size", c.batchSize());
        Checks.positive(p + "dimension", c.dimension());
        List<Path> inputs = paths("podstage.input", shared.input().orElse(List.of()));
        List<Path> errors = new ArrayList<>();
        for (Path file : paths(p + "errors", c.errors().orElse(List.of()))) {
            if (Files.exists(file)) {
                errors.add(file);
            } else {
                LOG.infof("%s does not exist: infer rejected nothing there", DataUri.toUri(file));
            }
        }
        if (inputs.isEmpty() && c.errors().map(List::isEmpty).orElse(true)) {
            throw new ConfigProblem(
                    "podstage.input", null, "one or more input URIs (--input), or infer rejects (--errors)");
        }
        String model = c.model().filter(m -> !m.isBlank()).orElse(null);
        if (c.errors().isPresent() && !c.errors().get().isEmpty() && model == null) {
            throw new ConfigProblem(p + "model", null, "a model name: the error rows of " + p + "errors carry none");
        }
        Path output = DataUri.toPath(
                "podstage.output",
                Checks.required(
                        "podstage.output",
                        shared.output(),
                        "an output URI (--output) for the receipt; rejects go next to it"));
        for (Path input : inputs) {
            if (input.toAbsolutePath()
                    .normalize()
                    .equals(output.toAbsolutePath().normalize())) {
                throw new ConfigProblem("podstage.output", shared.output().get(), "a file other than the inputs");
            }
        }
        StoreSettings settings = new StoreSettings(
                List.copyOf(inputs),
                List.copyOf(errors),
                output,
                c.kind(),
                c.batchSize(),
                c.dimension(),
                c.vectorType(),
                model,
                shared.variant().orElse(null));
        AirflowContext airflow = AirflowContext.fromEnvironment(System.getenv());
        return new StoreJob(settings, answerConfig(settings, airflow), schema, upserts, runLog);
    }

    private static List<Path> paths(String key, List<String> uris) {
        return uris.stream().map(uri -> DataUri.toPath(key, uri)).toList();
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
