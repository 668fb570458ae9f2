package io.specstream.draft.service;

import io.specstream.contract.DraftTail;
import io.specstream.draft.ModelDrafter;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.sampling.SamplingParams;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A draft model in the draft-ahead loop (DESIGN invariant 4): every call grows each tail inside the window by one
 * token in one batched run; a tail is published when its length is a multiple of {@link DraftLoop#PUBLISH_EVERY}.
 * The batched run's time is shared out evenly over the tails it grew and summed per tail until it is published.
 */
final class RunAheadTails implements TailSource {

    private final ModelDrafter drafter;
    private final Map<SequenceKey, Long> unpublishedMicros = new HashMap<>();

    RunAheadTails(ModelDrafter drafter) {
        this.drafter = drafter;
    }

    @Override
    public ModelDrafter drafter() {
        return drafter;
    }

    @Override
    public void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed) {
        drafter.open(key, promptIds, params, seed);
    }

    @Override
    public void onCommitted(SequenceKey key, int startPosition, int[] tokens) {
        drafter.onCommitted(key, startPosition, tokens);
    }

    @Override
    public void forget(SequenceKey key) {
        drafter.forget(key);
        unpublishedMicros.remove(key);
    }

    @Override
    public Drafted draft(List<SequenceKey> keys) {
        if (keys.isEmpty()) {
            return new Drafted(Map.of(), Map.of(), false);
        }
        long started = System.nanoTime();
        Map<SequenceKey, DraftTail> grown = drafter.draftAhead(keys);
        if (grown.isEmpty()) {
            return new Drafted(Map.of(), Map.of(), false);
        }
        long share = (System.nanoTime() - started) / 1_000 / grown.size();
        Map<SequenceKey, DraftTail> publish = new HashMap<>();
        Map<SequenceKey, Long> costs = new HashMap<>();
        grown.forEach((key, tail) -> {
            long cost = unpublishedMicros.merge(key, share, Long::sum);
            if (tail.tokens().length % DraftLoop.PUBLISH_EVERY == 0) {
                publish.put(key, tail);
                costs.put(key, cost);
                unpublishedMicros.remove(key);
            }
        });
        return new Drafted(publish, costs, true);
    }
}
