package io.specstream.verify.service;

import io.specstream.verify.StepOutcome;

import java.util.List;

/**
 * Sees every verify step on the step thread, in process: what the benchmark reads instead of a topic, so that no
 * per-step record is published for a consumer that is not deployed. Must be cheap; it runs inside the loop.
 */
@FunctionalInterface
public interface StepObserver {

    StepObserver NONE = (outcomes, width, stepNanos, timestampMs) -> { };

    /**
     * One step, {@code width} tokens per sequence wide, gave {@code outcomes}, took {@code stepNanos} and ended at
     * {@code timestampMs} (wall clock).
     */
    void stepped(List<StepOutcome> outcomes, int width, long stepNanos, long timestampMs);
}
