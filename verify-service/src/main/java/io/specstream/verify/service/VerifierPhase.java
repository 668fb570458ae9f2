package io.specstream.verify.service;

import java.util.Locale;

/**
 * Where the verifier's step thread spends its wall time; every nanosecond of its loop is charged to exactly one
 * phase ({@link PhaseClock}), so the phases add up to the loop's run time.
 */
public enum VerifierPhase {
    /** The batched forward of a step: the model run alone. */
    FORWARD,
    /** Prompts decoded and submitted, prefill of admitted requests, their first tokens drawn. */
    ADMISSION,
    /** Drafts proposed in the verifier, chosen, judged by the acceptance rule and committed. */
    DRAFTING,
    /** Records built, serialized and handed to a producer (or to the I/O side) on the step thread. */
    OUTPUT,
    /** Producer flushes and transaction commits on the step thread. */
    TRANSACTIONS,
    /** Polls that return at once while there is work: prompts, drafts, assignments, and decoding what they bring. */
    POLLING,
    /** Polls that wait for prompts while the engine has nothing to do (bubbles between epochs included). */
    WAITING;

    /** The tag value in {@code specstream_verify_time_seconds_total{phase=...}}. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
