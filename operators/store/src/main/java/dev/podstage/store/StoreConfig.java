package dev.podstage.store;

import dev.podstage.runtime.config.Setting;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * {@code podstage.store.*}: every key settable as {@code PODSTAGE_STORE_…} or as the option of the same
 * name ({@link Setting}). Read by reflection for the options, also natively.
 */
@ConfigMapping(prefix = "podstage.store")
@RegisterForReflection(methods = true)
public interface StoreConfig {

    String PREFIX = "podstage.store";

    /** What the inputs hold; {@code auto} decides per input file from its first record. */
    @WithDefault("auto")
    @Setting(
            order = 1,
            help = "auto | chunks | results. auto: per input, from its first record ('embedding' → chunks,"
                    + " 'output' → results).")
    InputKind kind();

    /** Infer's rejects files ({@code <output>.rejects.jsonl}): each line becomes an error row of its record. */
    @Setting(
            order = 2,
            label = "URI",
            repeatable = true,
            help = "Infer's rejects file (<output>.rejects.jsonl), repeatable: each line becomes an error row"
                    + " of its record, for evaluate's error rate; a missing file means no errors. Needs --model.")
    Optional<List<String>> errors();

    /** Records per transaction: a kill loses at most the batch in flight, which the rerun writes again. */
    @WithDefault("500")
    @Setting(order = 3, label = "N", help = "Records per transaction.")
    int batchSize();

    /** Length every chunk embedding must have (all-MiniLM-L6-v2: 384). */
    @WithDefault("384")
    @Setting(order = 4, label = "N", help = "Embedding length every chunk must have.")
    int dimension();

    /** How embeddings are stored: pgvector's {@code vector(N)} when the extension is there, else {@code real[]}. */
    @WithDefault("auto")
    @Setting(
            order = 5,
            help = "auto | pgvector | array: the embedding column type when the table is created (auto: pgvector"
                    + " when the extension can be had, else real[]).")
    VectorType vectorType();

    /** Model of result and error rows whose record names none (infer's rejects never do). */
    @Setting(order = 6, help = "Model of records that name none, and of --errors rows.")
    Optional<String> model();
}
