package io.specstream.verify.service;

import io.specstream.verify.EngineTime;

/**
 * Charges the step thread's wall time to {@link VerifierPhase}s: each call charges everything since the previous
 * one, so nothing is counted twice and no gap goes uncounted.
 *
 * <pre>{@code
 * clock.charge(POLLING);                 // the poll that just returned
 * EngineTime before = engine.time();
 * engine.step(...);
 * clock.chargeStep(before, engine.time());   // forward, prefill, and the rest as drafting
 * }</pre>
 */
final class PhaseClock {

    private final VerifyMetrics metrics;
    private long mark = System.nanoTime();

    PhaseClock(VerifyMetrics metrics) {
        this.metrics = metrics;
    }

    /** Starts counting now: what came before (setting up clients) is nobody's phase. */
    void restart() {
        mark = System.nanoTime();
    }

    /** Charges the time since the last charge to {@code phase}. */
    void charge(VerifierPhase phase) {
        long now = System.nanoTime();
        metrics.spent(phase, now - mark);
        mark = now;
    }

    /**
     * Charges an engine call that ran since the last charge: its forward and prefill as the engine measured them,
     * the rest of it as {@link VerifierPhase#DRAFTING}.
     */
    void chargeStep(EngineTime before, EngineTime after) {
        long now = System.nanoTime();
        EngineTime spent = after.since(before);
        long rest = Math.max(0, now - mark - spent.forwardNanos() - spent.prefillNanos());
        metrics.spent(VerifierPhase.FORWARD, spent.forwardNanos());
        metrics.spent(VerifierPhase.ADMISSION, spent.prefillNanos());
        metrics.spent(VerifierPhase.DRAFTING, rest);
        mark = now;
    }
}
