package io.specstream.verify.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@code specstream run} drafts: not at all, in lock step inside the verifier, as a separate service over topics
 * (one draft model), or Fastest-of-N (every drafter family, the selector choosing per request).
 */
public enum RunMode {
    PLAIN, COUPLED, DECOUPLED, FASTEST;

    public static final String ALLOWED = Arrays.stream(values()).map(RunMode::flagValue).collect(Collectors.joining(", "));

    /** {@code "decoupled"} → DECOUPLED; anything else is refused with the allowed values. */
    public static RunMode parse(String value) {
        for (RunMode mode : values()) {
            if (mode.flagValue().equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--mode '" + value + "' is not valid; allowed values: " + ALLOWED);
    }

    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
