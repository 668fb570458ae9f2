package io.specstream.draft;

/**
 * Whether a draft model brings lagging sequences' caches up to date inside its batched step or by prefilling their
 * contexts anew. Both cost about the token positions they compute: widening the step to the widest catch-up makes
 * every row of the batch pay for it (padding included), a prefill computes each laggard's whole context. At one
 * sequence the catch-up always wins — a 15-token catch-up against a 300-token prefill, where re-prefilling kept a
 * draft loop that fell behind the verifier behind (each prefill let the verifier run further ahead).
 *
 * <p>Example: 64 rows, one laggard 15 tokens behind with a 300-token context: widening costs 64 × 14 = 896 extra
 * positions, the prefill 300 → prefill. Eight such laggards: 896 against 2,400 → in the step.
 */
final class CatchUpCost {

    private CatchUpCost() {
    }

    /**
     * @param rows     rows the batched step runs (fed or not)
     * @param widest   tokens the furthest-behind laggard must be fed
     * @param contexts prompt plus response tokens of every laggard: what prefilling them anew computes
     */
    static boolean cheaperInStep(int rows, int widest, long contexts) {
        return (long) rows * Math.max(0, widest - 1) <= contexts;
    }
}
