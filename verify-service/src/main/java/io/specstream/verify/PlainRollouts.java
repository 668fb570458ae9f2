package io.specstream.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs rollouts to completion with no drafter at all: plain continuous-batching decoding of the target. */
public final class PlainRollouts {

    private final VerifyEngine engine;
    private long steps;

    public PlainRollouts(VerifyEngine engine) {
        this.engine = engine;
    }

    /** All samples of {@code specs}, ordered by request (as given) then sample index. */
    public List<CompletedRollout> run(List<RolloutSpec> specs) {
        specs.forEach(engine::submit);
        List<CompletedRollout> done = new ArrayList<>();
        while (engine.hasWork()) {
            engine.step(key -> Optional.empty());
            steps++;
            done.addAll(engine.takeFinished());
        }
        return RolloutOrder.sort(done, specs);
    }

    /** Batched steps taken by every {@link #run} so far. */
    public long steps() {
        return steps;
    }
}
