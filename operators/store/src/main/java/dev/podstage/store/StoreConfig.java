package dev.podstage.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** {@code podstage.store.*}: every key settable as {@code PODSTAGE_STORE_…} or as the option of the same name. */
@ConfigMapping(prefix = "podstage.store")
public interface StoreConfig {

    String PREFIX = "podstage.store";

    /** What the inputs hold; {@code auto} decides per input file from its first record. */
    @WithDefault("auto")
    InputKind kind();

    /** Records per transaction: a kill loses at most the batch in flight, which the rerun writes again. */
    @WithDefault("500")
    int batchSize();

    /** Length every chunk embedding must have (all-MiniLM-L6-v2: 384). */
    @WithDefault("384")
    int dimension();

    /** How embeddings are stored: pgvector's {@code vector(N)} when the extension is there, else {@code real[]}. */
    @WithDefault("auto")
    VectorType vectorType();

    /** Model of result and error rows whose record names none (infer's rejects never do). */
    Optional<String> model();

    /** Infer's rejects files ({@code <output>.rejects.jsonl}): each line becomes an error row of its record. */
    Optional<List<String>> errors();
}
