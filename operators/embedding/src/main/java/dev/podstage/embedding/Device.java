package dev.podstage.embedding;

/**
 * Where the model runs. {@code CUDA} needs ONNX Runtime's GPU build on the classpath
 * ({@code com.microsoft.onnxruntime:onnxruntime_gpu}, the embed stage's {@code -Pgpu} profile) and an
 * NVIDIA GPU with the CUDA 12 / cuDNN 9 libraries it is built against. There is no silent fallback:
 * asking for CUDA where it cannot run fails.
 */
public enum Device {
    CPU,
    CUDA;

    /** Whether the ONNX Runtime on the classpath was built with this device's execution provider. */
    public boolean supportedByRuntime() {
        return this == CPU || OrtSupport.hasCudaProvider();
    }
}
