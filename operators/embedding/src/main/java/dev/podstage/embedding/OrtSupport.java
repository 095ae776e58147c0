package dev.podstage.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/** ONNX Runtime session options for a device and a thread budget. */
final class OrtSupport {

    private OrtSupport() {}

    static boolean hasCudaProvider() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    static OrtSession.SessionOptions sessionOptions(EncoderSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            // Parallelism inside one run only; callers that encode several batches at once size this down.
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (settings.device() == Device.CUDA) {
                addCuda(options);
            }
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static void addCuda(OrtSession.SessionOptions options) {
        if (!hasCudaProvider()) {
            throw new EncoderException("device CUDA was asked for, but the ONNX Runtime on the classpath has no CUDA"
                    + " provider (it is the CPU build, com.microsoft.onnxruntime:onnxruntime). Build the stage with -Pgpu"
                    + " (com.microsoft.onnxruntime:onnxruntime_gpu) and run it where an NVIDIA GPU with CUDA 12 and"
                    + " cuDNN 9 is visible, or use device CPU.");
        }
        try {
            options.addCUDA(0);
        } catch (OrtException e) {
            throw new EncoderException(
                    "device CUDA was asked for, but the CUDA provider could not start (no visible"
                            + " GPU, or missing CUDA 12 / cuDNN 9 libraries): " + e.getMessage(),
                    e);
        }
    }
}
