package dev.podstage.ingest;

import dev.podstage.runtime.config.Setting;
import dev.podstage.runtime.resilience.GuardConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code podstage.ingest.*}: every key settable as {@code PODSTAGE_INGEST_…} or as the option of the same
 * name ({@link Setting}). Read by reflection for the options, also natively.
 */
@ConfigMapping(prefix = "podstage.ingest")
@RegisterForReflection(methods = true)
public interface IngestConfig {

    String PREFIX = "podstage.ingest";

    /** A fixed number of shards; when set, {@link #shardSize()} is not used. */
    @Setting(order = 1, label = "N", help = "Exactly N shards (then --shard-size is not used).")
    OptionalInt shards();

    /** Records per shard when {@link #shards()} is unset: N = ceil(records / shard-size). */
    @WithDefault("10000")
    @Setting(order = 2, label = "M", help = "About M records per shard: N = ceil(records / M).")
    int shardSize();

    /** Airflow's {@code [core] max_map_length}: a mapped task cannot expand over more shards than this. */
    @WithDefault("1024")
    @Setting(
            order = 3,
            label = "N",
            help = "Airflow's [core] max_map_length: more shards than this is an error (exit 2).")
    int maxMapLength();

    /** Record field (JSON Lines) or column (CSV) holding the id; {@code id} when unset. Missing ids are generated. */
    @Setting(
            order = 4,
            label = "FIELD",
            help = "Field/column of the id (default: id, generated when missing; when set, a CSV must have it).")
    Optional<String> idField();

    /** Record field (JSON Lines) or column (CSV) holding the text. */
    @WithDefault("text")
    @Setting(order = 5, label = "FIELD", help = "Field/column of the text.")
    String textField();

    /** How to read the inputs: {@code auto} goes by file extension (and Content-Type for URLs). */
    @WithDefault("auto")
    @Setting(
            order = 6,
            help = "auto | jsonl | csv | tsv | text | markdown | html; auto goes by extension (and Content-Type"
                    + " for URLs).")
    Format format();

    /** CSV field separator: one character, {@code tab} or {@code \t} for a tab. {@code .tsv} files always use a tab. */
    @WithDefault(",")
    @Setting(order = 7, label = "CHAR", help = "CSV field separator ('tab' for a tab).")
    String csvDelimiter();

    // The download keys mean what infer's GuardConfig keys mean, under names of their own (fetch-…) that
    // DAGs already set: FetchSettings turns them into the same runtime guard.

    /** Per download attempt of an http(s) input. */
    @WithDefault("5m")
    @Setting(order = 8, label = "DURATION", help = "Per download attempt of a URL.")
    Duration fetchTimeout();

    @WithDefault("3")
    @Setting(order = 9, label = "N", help = "Retries of a download (429, 5xx, broken connection).")
    int fetchRetries();

    @WithDefault("500ms")
    @Setting(order = 10, label = "DURATION", help = GuardConfig.BACKOFF_INITIAL_HELP)
    Duration fetchBackoffInitial();

    @WithDefault("30s")
    @Setting(order = 11, label = "DURATION", help = GuardConfig.BACKOFF_MAX_HELP)
    Duration fetchBackoffMax();
}
