package io.specstream.verify;

import io.specstream.draft.DraftTail;
import io.specstream.draft.Drafter;
import io.specstream.draft.SequenceKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Vanilla (coupled) speculative decoding in one process: each round the drafter proposes k tokens for every active
 * sequence, the engine verifies them in one batched step, and the commits go back to the drafter. The baseline the
 * decoupled pipeline is measured against, and the lossless reference for it.
 */
public final class CoupledRollouts {

    private final VerifyEngine engine;
    private final Drafter drafter;
    private final int k;

    public CoupledRollouts(VerifyEngine engine, Drafter drafter, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("draft length k=" + k + " is not valid; allowed values: an integer >= 1");
        }
        this.engine = engine;
        this.drafter = drafter;
        this.k = k;
    }

    /** All samples of {@code specs}, ordered by request (as given) then sample index. */
    public List<CompletedRollout> run(List<RolloutSpec> specs) {
        Map<String, RolloutSpec> byRequest = new HashMap<>();
        for (RolloutSpec spec : specs) {
            engine.submit(spec);
            byRequest.put(spec.requestId(), spec);
        }
        List<CompletedRollout> done = new ArrayList<>();
        while (engine.hasWork()) {
            for (SequenceKey key : engine.admit()) {
                RolloutSpec spec = byRequest.get(key.requestId());
                drafter.open(key, spec.promptIds(), spec.sampling(), spec.seed());
            }
            Map<SequenceKey, DraftTail> tails = drafter.proposeAll(engine.activeKeys(), k);
            for (StepOutcome outcome : engine.step(key -> Optional.ofNullable(tails.get(key)))) {
                // the finishing delta too: a history drafter keeps the whole rollout
                drafter.onCommitted(outcome.key(), outcome.startPosition(), outcome.tokens());
                if (outcome.finished()) {
                    drafter.forget(outcome.key());
                }
            }
            done.addAll(engine.takeFinished());
        }
        return RolloutOrder.sort(done, specs);
    }
}
