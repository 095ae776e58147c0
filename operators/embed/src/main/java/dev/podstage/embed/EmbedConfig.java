package dev.podstage.embed;

import dev.podstage.embedding.Device;
import dev.podstage.runtime.config.Setting;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code podstage.embed.*}: every key settable as {@code PODSTAGE_EMBED_…} or as the option of the same
 * name ({@link Setting}). Read by reflection for the options, also natively.
 */
@ConfigMapping(prefix = "podstage.embed")
@RegisterForReflection(methods = true)
public interface EmbedConfig {

    String PREFIX = "podstage.embed";

    /** The record field holding the text to embed; every other field passes through. */
    @WithDefault("text")
    @Setting(order = 1, label = "FIELD", help = "Record field holding the text; other fields pass through.")
    String textField();

    /** Texts per model run. */
    @WithDefault("32")
    @Setting(order = 2, label = "N", help = "Texts per model run (1-1024).")
    int batchSize();

    /** Batches encoded at once; default: the cores the JVM sees (container-aware: the pod's CPU limit). */
    @Setting(order = 3, label = "N", help = "Batches encoded at once.", defaultText = "the pod's cores")
    OptionalInt threads();

    /** Threads inside one batch; default: the cores divided by {@code threads}, so the pool does not oversubscribe. */
    @Setting(order = 4, label = "N", help = "Threads inside one batch.", defaultText = "cores / threads")
    OptionalInt intraOpThreads();

    /** {@code cpu}, or {@code cuda} with an image built with {@code -Pgpu} on a GPU node. */
    @WithDefault("cpu")
    @Setting(order = 5, help = "cpu | cuda (cuda: image built with -Pgpu, on a GPU node).")
    Device device();

    /** Writable: the tokenizer's native library and the unpacked model; default {@code <java.io.tmpdir>/podstage-embedding}. */
    @Setting(
            order = 6,
            label = "DIR",
            help = "Writable directory for the tokenizer's native library and the unpacked model.",
            defaultText = "<java.io.tmpdir>/podstage-embedding")
    Optional<String> workDir();
}
