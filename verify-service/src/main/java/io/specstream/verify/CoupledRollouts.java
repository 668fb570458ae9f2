package io.specstream.verify;

import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.contract.DrafterPool;
import io.specstream.contract.SequenceKey;

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
    private final DrafterPool<Drafter> pool;
    private final int k;

    public CoupledRollouts(VerifyEngine engine, Drafter drafter, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("draft length k=" + k + " is not valid; allowed values: an integer >= 1");
        }
        this.engine = engine;
        this.drafter = drafter;
        this.pool = new DrafterPool<>(List.of(drafter));
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
                pool.open(key, byRequest.get(key.requestId()).terms()).ifPresent(reason -> {
                    throw new IllegalStateException("drafter " + drafter.name() + " cannot follow " + key + ": " + reason);
                });
            }
            Map<SequenceKey, DraftTail> tails = DrafterPool.propose(drafter, engine.activeKeys(), k).tails();
            for (StepOutcome outcome : engine.step(key -> Optional.ofNullable(tails.get(key)))) {
                pool.committed(outcome.key(), outcome.startPosition(), outcome.tokens(), outcome.finished());
            }
            done.addAll(engine.takeFinished());
        }
        return RolloutOrder.sort(done, specs);
    }
}
