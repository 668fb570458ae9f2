package io.specstream.bench.measure;

import io.specstream.verify.StepOutcome;
import io.specstream.verify.service.StepObserver;

import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's ear on the verify loop: every sequence-step as the step thread sees it, in process, so the bench
 * needs no acceptance topic (which plain, coupled and decoupled deployments do not publish).
 */
public final class StepLog implements StepObserver {

    private final List<SequenceStep> steps = new ArrayList<>();

    @Override
    public synchronized void stepped(List<StepOutcome> outcomes, int width, long stepNanos, long timestampMs) {
        for (StepOutcome outcome : outcomes) {
            steps.add(new SequenceStep(outcome.drafter().orElse(null), outcome.proposed(), outcome.accepted(), width,
                    timestampMs, outcome.proposed() > 0 || !outcome.alternatives().isEmpty()));
        }
    }

    /** Everything logged so far. */
    public synchronized List<SequenceStep> steps() {
        return List.copyOf(steps);
    }
}
