package dev.podstage.store;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

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
        String variant) {

    /** A missing rejects file is the stage's news, under its name in the task log. */
    private static final Logger LOG = Logger.getLogger(StoreStage.class);

    /** Checks the configuration, key by key in a fixed order: the first bad one is a {@link ConfigProblem}. */
    static StoreSettings from(StoreConfig c, SharedConfig shared) {
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
        return new StoreSettings(
                List.copyOf(inputs),
                List.copyOf(errors),
                output,
                c.kind(),
                c.batchSize(),
                c.dimension(),
                c.vectorType(),
                model,
                shared.variant().orElse(null));
    }

    private static List<Path> paths(String key, List<String> uris) {
        return uris.stream().map(uri -> DataUri.toPath(key, uri)).toList();
    }
}
