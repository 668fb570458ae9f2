package io.specstream.inference.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/**
 * Where the model runs: {@code cpu} or {@code cuda:N}. A CUDA request that cannot be met fails at start;
 * there is no silent fall-back to CPU.
 */
public record ExecutionProvider(Kind kind, int deviceId) {

    public enum Kind { CPU, CUDA }

    public static final String ALLOWED = "'cpu' or 'cuda:N' with N a device index >= 0";

    public static ExecutionProvider cpu() {
        return new ExecutionProvider(Kind.CPU, 0);
    }

    public static ExecutionProvider cuda(int deviceId) {
        return new ExecutionProvider(Kind.CUDA, deviceId);
    }

    /** Parses {@code value} of configuration key {@code key}; errors name the key and the allowed values. */
    public static ExecutionProvider parse(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("cpu")) {
            return cpu();
        }
        if (v.startsWith("cuda:")) {
            try {
                int device = Integer.parseInt(v.substring("cuda:".length()));
                if (device >= 0) {
                    return cuda(device);
                }
            } catch (NumberFormatException ignored) {
                // reported below with the allowed values
            }
        }
        throw new IllegalArgumentException(key + "='" + value + "' is not valid; allowed values: " + ALLOWED);
    }

    /** Adds this provider to {@code options}, or explains what is missing for CUDA and how to get it. */
    void applyTo(OrtSession.SessionOptions options, String key) {
        if (kind == Kind.CPU) {
            return;
        }
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new ExecutionProviderUnavailableException(key + "=" + this
                    + " needs the CUDA build of ONNX Runtime, but the onnxruntime jar on the classpath is the CPU-only one"
                    + " (available providers: " + OrtEnvironment.getAvailableProviders() + "). Build with the gpu Maven"
                    + " profile (mvn -Pgpu package), which swaps in com.microsoft.onnxruntime:onnxruntime_gpu, and run"
                    + " where the CUDA 12 and cuDNN 9 libraries are on the library path; or set " + key + "=cpu.");
        }
        try {
            options.addCUDA(deviceId);
        } catch (OrtException | RuntimeException e) {
            throw new ExecutionProviderUnavailableException(key + "=" + this
                    + " could not start the CUDA execution provider: " + e.getMessage()
                    + ". It needs the CUDA 12 and cuDNN 9 libraries on the library path (LD_LIBRARY_PATH) and a GPU with"
                    + " index " + deviceId + "; the jar must come from the gpu Maven profile (mvn -Pgpu package); or set "
                    + key + "=cpu.", e);
        }
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + deviceId;
    }
}
