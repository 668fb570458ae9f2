package io.specstream.verify.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where Fastest-of-N runs the model-free drafters: inside the verifier, which already holds every sequence's tokens,
 * its siblings and finished rollouts (no topic hop, microseconds per proposal), or in draft-service beside the
 * draft models (their tails travel the drafts topic).
 */
public enum Placement {
    VERIFY, DRAFT;

    public static final String ALLOWED = Arrays.stream(values()).map(Placement::flagValue).collect(Collectors.joining(", "));

    public static Placement parse(String flag, String value) {
        for (Placement placement : values()) {
            if (placement.flagValue().equals(value)) {
                return placement;
            }
        }
        throw new IllegalArgumentException(flag + " '" + value + "' is not valid; allowed values: " + ALLOWED);
    }

    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
