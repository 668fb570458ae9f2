package io.specstream.pipeline.cli;

import io.specstream.topology.cli.EnumFlag;

/**
 * How {@code specstream run} drafts: not at all, in lock step inside the verifier, as a separate service over topics
 * (one draft model), or Fastest-of-N (every drafter family, the selector choosing per request).
 */
public enum RunMode {
    PLAIN, COUPLED, DECOUPLED, FASTEST;

    /** {@code "decoupled"} → DECOUPLED; anything else is refused with the allowed values. */
    public static RunMode parse(String value) {
        return EnumFlag.parse("--mode", value, values());
    }

    public String flagValue() {
        return EnumFlag.value(this);
    }
}
