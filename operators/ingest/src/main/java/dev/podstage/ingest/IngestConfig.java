package dev.podstage.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code podstage.ingest.*}: every key settable as {@code PODSTAGE_INGEST_…} or as the option of the same name. */
@ConfigMapping(prefix = "podstage.ingest")
public interface IngestConfig {

    String PREFIX = "podstage.ingest";

    /** A fixed number of shards; when set, {@link #shardSize()} is not used. */
    OptionalInt shards();

    /** Records per shard when {@link #shards()} is unset: N = ceil(records / shard-size). */
    @WithDefault("10000")
    int shardSize();

    /** Airflow's {@code [core] max_map_length}: a mapped task cannot expand over more shards than this. */
    @WithDefault("1024")
    int maxMapLength();

    /** Record field (JSON Lines) or column (CSV) holding the id; {@code id} when unset. Missing ids are generated. */
    Optional<String> idField();

    /** Record field (JSON Lines) or column (CSV) holding the text. */
    @WithDefault("text")
    String textField();

    /** How to read the inputs: {@code auto} goes by file extension (and Content-Type for URLs). */
    @WithDefault("auto")
    Format format();

    /** CSV field separator: one character, {@code tab} or {@code \t} for a tab. {@code .tsv} files always use a tab. */
    @WithDefault(",")
    String csvDelimiter();

    /** Per download attempt of an http(s) input. */
    @WithDefault("5m")
    Duration fetchTimeout();

    @WithDefault("3")
    int fetchRetries();

    @WithDefault("500ms")
    Duration fetchBackoffInitial();

    @WithDefault("30s")
    Duration fetchBackoffMax();
}
