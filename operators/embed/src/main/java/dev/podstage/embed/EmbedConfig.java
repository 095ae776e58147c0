package dev.podstage.embed;

import dev.podstage.embedding.Device;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code podstage.embed.*}: every key settable as {@code PODSTAGE_EMBED_…} or as the option of the same name. */
@ConfigMapping(prefix = "podstage.embed")
public interface EmbedConfig {

    String PREFIX = "podstage.embed";

    /** The record field holding the text to embed; every other field passes through. */
    @WithDefault("text")
    String textField();

    /** Texts per model run. */
    @WithDefault("32")
    int batchSize();

    /** Batches encoded at once; default: the cores the JVM sees (container-aware: the pod's CPU limit). */
    OptionalInt threads();

    /** Threads inside one batch; default: the cores divided by {@code threads}, so the pool does not oversubscribe. */
    OptionalInt intraOpThreads();

    /** {@code cpu}, or {@code cuda} with an image built with {@code -Pgpu} on a GPU node. */
    @WithDefault("cpu")
    Device device();

    /** Writable: the tokenizer's native library and the unpacked model; default {@code <java.io.tmpdir>/podstage-embedding}. */
    Optional<String> workDir();
}
