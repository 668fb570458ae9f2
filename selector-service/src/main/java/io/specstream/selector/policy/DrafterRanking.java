package io.specstream.selector.policy;

import io.specstream.selector.state.DrafterEstimate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Orders a request's drafters best first by their evidence-weighted progress: decayed accepted tokens per verify step,
 * shrunk towards 0 by one phantom step of nothing ({@code acceptedSum / (weight + 1)}), so a drafter seen once
 * cannot outrank a steady record on luck, yet a drafter seen less often (a draft model whose tails arrive later than
 * the verifier's own model-free ones) is not ranked below one that is seen often and accepted nothing. Ties: lower
 * drafting cost, then name. {@code qualified} marks drafters with at least {@code minObservations} steps: only those
 * may become primary.
 *
 * <p>Example, minObservations 2: {@code suffix} 4 accepted in its only step scores 4 / 2 = 2.0; {@code draft-small}
 * 7 over 2 steps scores 7 / 3 = 2.33; {@code ngram} 0 over 4 steps scores 0 → {@code [draft-small, suffix, ngram]},
 * and suffix is not yet qualified.
 */
public final class DrafterRanking {

    private static final Comparator<RankedDrafter> BEST_FIRST = Comparator
            .comparing((RankedDrafter drafter) -> -score(drafter.estimate()))
            .thenComparing(drafter -> drafter.estimate().costPerStepMicros())
            .thenComparing(RankedDrafter::name);

    private final int minObservations;

    public DrafterRanking(int minObservations) {
        this.minObservations = minObservations;
    }

    public List<RankedDrafter> rank(Map<String, DrafterEstimate> estimates) {
        return estimates.entrySet().stream()
                .map(entry -> new RankedDrafter(entry.getKey(), entry.getValue(),
                        entry.getValue().observations() >= minObservations))
                .sorted(BEST_FIRST)
                .toList();
    }

    /** Accepted per step with one phantom step of nothing: the ranking key. */
    static double score(DrafterEstimate estimate) {
        return estimate.acceptedSum() / (estimate.weight() + 1);
    }
}
