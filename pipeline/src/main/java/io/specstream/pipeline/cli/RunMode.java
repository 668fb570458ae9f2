package io.specstream.pipeline.cli;

import io.specstream.topology.cli.EnumFlag;

/**
 * How {@code specstream run} drafts: not at all, in lock step inside the verifier, as a separate service over topics
 * (one draft model), or Fastest-of-N (every drafter family, the selector choosing per request). Fastest-of-N without
 * the selector runs the same drafters with no one ranking them: every drafter drafts for every request and the
 * verifier's goodput controller weighs their tails on its own estimates — what the selector is measured against. And
 * plain decoding on every device the speculative modes use: one plain verify instance on the verify core and one on
 * the draft core, as a user would run two devices without speculation — the baseline that charges speculation for
 * its second device.
 */
public enum RunMode {
    PLAIN, COUPLED, DECOUPLED, FASTEST, FASTEST_NO_SELECTOR, PLAIN_EVERY_CORE;

    /** Whether any drafter runs (every mode but the two plain ones). */
    public boolean drafts() {
        return this != PLAIN && this != PLAIN_EVERY_CORE;
    }

    /** Whether every drafter family runs (both Fastest-of-N modes), not just the first draft model. */
    public boolean everyDrafter() {
        return this == FASTEST || this == FASTEST_NO_SELECTOR;
    }

    /** {@code "decoupled"} → DECOUPLED; anything else is refused with the allowed values. */
    public static RunMode parse(String value) {
        return EnumFlag.parse("--mode", value, values());
    }

    public String flagValue() {
        return EnumFlag.value(this);
    }
}
