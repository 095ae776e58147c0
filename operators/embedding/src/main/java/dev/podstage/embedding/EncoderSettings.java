package dev.podstage.embedding;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open a {@link SentenceEncoder}.
 *
 * @param device where the model runs
 * @param intraOpThreads threads one {@code encode} call may use; callers that run several encodes at once
 *        divide the cores between them so the machine is not oversubscribed
 * @param workDir a writable directory for the tokenizer's native library (DJL unpacks it there instead of
 *        {@code ~/.djl.ai}) and the model file unpacked from its jar: stage images run with a read-only
 *        root filesystem. Kept between runs, it saves unpacking the model again.
 */
public record EncoderSettings(Device device, int intraOpThreads, Path workDir) {

    public EncoderSettings {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(workDir, "workDir");
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be ≥ 1, got " + intraOpThreads);
        }
    }

    /** CPU, every core the JVM sees (container-aware), a directory under {@code java.io.tmpdir}. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(
                Device.CPU,
                Runtime.getRuntime().availableProcessors(),
                Path.of(System.getProperty("java.io.tmpdir"), "podstage-embedding"));
    }

    public EncoderSettings withDevice(Device other) {
        return new EncoderSettings(other, intraOpThreads, workDir);
    }

    public EncoderSettings withIntraOpThreads(int threads) {
        return new EncoderSettings(device, threads, workDir);
    }

    public EncoderSettings withWorkDir(Path dir) {
        return new EncoderSettings(device, intraOpThreads, dir);
    }
}
