package dev.podstage.embedding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the native libraries are unpacked, and what DJL must not do. Images run with a read-only
 * root filesystem and no network but the cluster's, so:
 * <ul>
 * <li>DJL unpacks {@code libtokenizers.so} under {@code DJL_CACHE_DIR}: pointed at the work directory
 * (default would be {@code ~/.djl.ai});</li>
 * <li>ONNX Runtime unpacks its libraries into a new directory under {@code java.io.tmpdir}, which it
 * reads once per JVM: that must be writable (an {@code emptyDir} on {@code /tmp}, or
 * {@code -Djava.io.tmpdir=} a writable volume);</li>
 * <li>DJL's usage tracking would query the EC2 metadata endpoint and its library loader could try a
 * download: both are switched off; tokenising runs on the CPU whatever the model's device.</li>
 * </ul>
 * DJL reads each setting from the environment first, so an operator's own value still wins.
 */
final class NativeLibraries {

    private NativeLibraries() {}

    static synchronized void prepare(Path workDir) {
        setUnlessGiven("OPT_OUT_TRACKING", "true");
        setUnlessGiven("DJL_OFFLINE", "ai.djl.offline", "true");
        setUnlessGiven("RUST_FLAVOR", "cpu");
        Path djl = workDir.resolve("djl");
        try {
            Files.createDirectories(djl);
        } catch (IOException e) {
            throw new EncoderException(
                    "work directory " + workDir + " is not writable (" + e.getMessage()
                            + "): the tokenizer's native library is unpacked there; give it a writable volume",
                    e);
        }
        setUnlessGiven("DJL_CACHE_DIR", djl.toString());
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (!Files.isWritable(tmp)) {
            throw new EncoderException(
                    "java.io.tmpdir " + tmp + " is not writable: ONNX Runtime unpacks its native"
                            + " library there; mount a writable volume on it or start the JVM with -Djava.io.tmpdir=<writable dir>");
        }
    }

    private static void setUnlessGiven(String name, String value) {
        setUnlessGiven(name, name, value);
    }

    private static void setUnlessGiven(String envName, String property, String value) {
        if (System.getenv(envName) == null && System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
