package dev.podstage.ingest;

import dev.podstage.runtime.config.ConfigProblem;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * How many shards a run writes: a fixed count ({@code --shards N}) or {@code ceil(records / M)}
 * ({@code --shard-size M}, at least 1), never more than Airflow's {@code max_map_length} allows.
 */
record ShardPlan(OptionalInt fixed, int shardSize, int maxMapLength) {

    static final String SHARDS_KEY = IngestConfig.PREFIX + ".shards";
    static final String SIZE_KEY = IngestConfig.PREFIX + ".shard-size";
    static final String MAX_KEY = IngestConfig.PREFIX + ".max-map-length";

    /** The fixed count is known before any work, so too many shards fail at once. */
    void checkFixed() {
        if (fixed.isPresent() && fixed.getAsInt() > maxMapLength) {
            throw tooMany(
                    fixed.getAsInt(),
                    SHARDS_KEY + "=" + fixed.getAsInt() + " asks for " + fixed.getAsInt() + " shards",
                    "fewer --shards");
        }
    }

    int shardCount(long records) {
        if (fixed.isPresent()) {
            checkFixed();
            return fixed.getAsInt();
        }
        long count = Math.max(1, (records + shardSize - 1) / shardSize);
        if (count > maxMapLength) {
            long minSize = (records + maxMapLength - 1) / maxMapLength;
            throw tooMany(
                    count,
                    String.format(
                            Locale.ROOT, "%d records at %s=%d make %d shards", records, SIZE_KEY, shardSize, count),
                    "a --shard-size of at least " + minSize);
        }
        return (int) count;
    }

    private ConfigProblem tooMany(long count, String why, String fix) {
        return new ConfigProblem(why + ", more than " + MAX_KEY + "=" + maxMapLength + " (Airflow's [core]"
                + " max_map_length: a mapped task cannot expand over " + count + " shards); use " + fix
                + ", or raise max_map_length in Airflow and " + MAX_KEY + " together");
    }

    String describe() {
        return fixed.isPresent()
                ? fixed.getAsInt() + " shards (--shards)"
                : "about " + shardSize + " records per shard (--shard-size)";
    }
}
