package io.specstream.draft.service;

import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.sampling.SamplingParams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model-free drafter (n-gram, suffix) in the draft loop: its answer changes only when a sequence's context does,
 * so it proposes {@code k} tokens for the sequences opened or committed to since its last call and publishes a tail
 * only when it differs from the one published before for that sequence.
 */
final class LookupTails implements TailSource {

    private final Drafter drafter;
    private final int k;
    private final Set<SequenceKey> changed = new HashSet<>();
    private final Map<SequenceKey, DraftTail> published = new HashMap<>();

    LookupTails(Drafter drafter, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("draft length k=" + k + " is not valid; allowed values: an integer >= 1");
        }
        this.drafter = drafter;
        this.k = k;
    }

    @Override
    public Drafter drafter() {
        return drafter;
    }

    @Override
    public void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed) {
        drafter.open(key, promptIds, params, seed);
        changed.add(key);
    }

    @Override
    public void onCommitted(SequenceKey key, int startPosition, int[] tokens) {
        drafter.onCommitted(key, startPosition, tokens);
        changed.add(key);
    }

    @Override
    public void forget(SequenceKey key) {
        drafter.forget(key);
        changed.remove(key);
        published.remove(key);
    }

    @Override
    public Drafted draft(List<SequenceKey> keys) {
        List<SequenceKey> due = new ArrayList<>();
        for (SequenceKey key : keys) {
            if (changed.remove(key)) {
                due.add(key);
            }
        }
        if (due.isEmpty()) {
            return new Drafted(Map.of(), Map.of(), false);
        }
        long started = System.nanoTime();
        Map<SequenceKey, DraftTail> tails = drafter.proposeAll(due, k);
        long share = (System.nanoTime() - started) / 1_000 / due.size();
        Map<SequenceKey, DraftTail> fresh = new HashMap<>();
        Map<SequenceKey, Long> costs = new HashMap<>();
        tails.forEach((key, tail) -> {
            if (!tail.equals(published.get(key))) {
                published.put(key, tail);
                fresh.put(key, tail);
                costs.put(key, share);
            }
        });
        return new Drafted(fresh, costs, false);
    }
}
