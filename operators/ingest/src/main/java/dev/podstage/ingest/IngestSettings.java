package dev.podstage.ingest;

import dev.podstage.runtime.config.Checks;
import dev.podstage.runtime.config.ConfigProblem;
import dev.podstage.runtime.config.SharedConfig;
import dev.podstage.runtime.io.DataUri;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The validated configuration of one {@code ingest} run. */
record IngestSettings(
        List<String> inputs,
        Path output,
        Format format,
        Optional<String> idField,
        String textField,
        char csvDelimiter,
        ShardPlan plan,
        FetchSettings fetch) {

    /** Airflow cannot map over more (and shard names have five digits). */
    private static final int MAX_MAP_LENGTH_LIMIT = 99_999;

    /** Checks the configuration, key by key in a fixed order: the first bad one is a {@link ConfigProblem}. */
    static IngestSettings from(IngestConfig c, SharedConfig shared) {
        String p = IngestConfig.PREFIX + ".";
        int maxMap = c.maxMapLength();
        if (maxMap < 1 || maxMap > MAX_MAP_LENGTH_LIMIT) {
            throw new ConfigProblem(p + "max-map-length", maxMap, "an integer from 1 to " + MAX_MAP_LENGTH_LIMIT);
        }
        c.shards().ifPresent(n -> Checks.positive(p + "shards", n));
        Checks.positive(p + "shard-size", c.shardSize());
        ShardPlan plan = new ShardPlan(c.shards(), c.shardSize(), maxMap);
        plan.checkFixed();
        String textField = Checks.required(p + "text-field", Optional.of(c.textField()), "a field or column name");
        c.idField().ifPresent(id -> {
            if (id.isBlank() || id.equals(textField)) {
                throw new ConfigProblem(p + "id-field", id, "a field or column name other than the text field");
            }
        });
        char delimiter = delimiter(p + "csv-delimiter", c.csvDelimiter());
        FetchSettings fetch = FetchSettings.from(c);

        List<String> inputs = Checks.requiredList(
                "podstage.input",
                shared.input(),
                "one or more input URIs (--input, repeatable): files, directories or http(s) URLs");
        Path output = DataUri.toPath(
                        "podstage.output",
                        Checks.required("podstage.output", shared.output(), "an output directory URI (--output)"))
                .toAbsolutePath()
                .normalize();
        if (Files.isRegularFile(output)) {
            throw new ConfigProblem(
                    "podstage.output", shared.output().get(), "a directory (the shards go into it), not a file");
        }
        if (output.getParent() == null) {
            throw new ConfigProblem("podstage.output", shared.output().get(), "a directory below the root");
        }
        for (String input : inputs) {
            checkInput(input, output);
        }
        return new IngestSettings(
                List.copyOf(inputs), output, c.format(), c.idField(), textField, delimiter, plan, fetch);
    }

    /** The id field or column, {@code id} unless configured. */
    String idFieldName() {
        return idField.orElse("id");
    }

    private static void checkInput(String input, Path output) {
        if (Sources.isUrl(input)) {
            try {
                URI uri = URI.create(input);
                if (uri.getHost() == null) {
                    throw new ConfigProblem("podstage.input", SafeUrl.display(input), "an http(s) URL with a host");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigProblem("podstage.input", SafeUrl.display(input), "a valid http(s) URL");
            }
            return;
        }
        Path path = DataUri.toPath("podstage.input", input).toAbsolutePath().normalize();
        // A rerun would read the previous run's shards as input.
        if (Files.isDirectory(path) && output.startsWith(path)) {
            throw new ConfigProblem(
                    "podstage.output",
                    DataUri.toUri(output),
                    "a directory outside the input directory " + DataUri.toUri(path));
        }
    }

    private static char delimiter(String key, String value) {
        if ("tab".equalsIgnoreCase(value) || "\\t".equals(value) || "\t".equals(value)) {
            return '\t';
        }
        if (value.length() != 1 || value.charAt(0) == '"' || value.charAt(0) == '\n' || value.charAt(0) == '\r') {
            throw new ConfigProblem(key, value, "one character other than a quote or a line break, or 'tab'");
        }
        return value.charAt(0);
    }
}
