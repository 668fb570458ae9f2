package io.specstream.inference.runtime;

import java.util.Map;

/**
 * Runtime settings, validated at start.
 *
 * <pre>
 * inference.execution-provider = cpu | cuda:N     (default cpu)
 * inference.intra-op-threads   = 1, 2, ...        (default 1: one core per service)
 * </pre>
 */
public record InferenceOptions(ExecutionProvider provider, int intraOpThreads) {

    public static final String PROVIDER_KEY = "inference.execution-provider";
    public static final String THREADS_KEY = "inference.intra-op-threads";

    public InferenceOptions {
        if (provider == null) {
            throw new IllegalArgumentException(PROVIDER_KEY + " is missing; allowed values: " + ExecutionProvider.ALLOWED);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException(THREADS_KEY + "=" + intraOpThreads
                    + " is not valid; allowed values: an integer >= 1");
        }
    }

    /**
     * The provider named {@code provider} ({@code cpu} or {@code cuda:N}), refused naming {@code flag} (the command
     * line's name for it) when it is neither.
     */
    public static InferenceOptions of(String flag, String provider, int intraOpThreads) {
        return new InferenceOptions(ExecutionProvider.parse(flag, provider), intraOpThreads);
    }

    public static InferenceOptions cpu(int intraOpThreads) {
        return new InferenceOptions(ExecutionProvider.cpu(), intraOpThreads);
    }

    /** Reads the two keys from {@code settings}; absent keys take their defaults, unknown values are refused. */
    public static InferenceOptions from(Map<String, String> settings) {
        ExecutionProvider provider = ExecutionProvider.parse(PROVIDER_KEY, settings.getOrDefault(PROVIDER_KEY, "cpu"));
        String threads = settings.getOrDefault(THREADS_KEY, "1").trim();
        int parsed;
        try {
            parsed = Integer.parseInt(threads);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(THREADS_KEY + "='" + threads + "' is not valid; allowed values: an integer >= 1");
        }
        return new InferenceOptions(provider, parsed);
    }
}
