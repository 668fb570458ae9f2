package io.specstream.inference.decode;

/**
 * When to copy the cache into a dense layout. Holes (padding of shorter feeds, truncated draft tokens), rows of
 * removed sequences and rows of idle ones (not fed for {@code idleSteps} steps) cost attention work every step; a
 * rebuild costs one host copy of the live cache, and moves idle rows out of the batch into blocks of their own.
 *
 * <p>Example with the defaults: 64 columns of which the longest sequence uses 40 -> 24 holes, under 32: keep;
 * 200 columns, longest 90 -> 110 holes, over 32 and over half: compact. A drafter following 256 sequences of which
 * the verifier runs 8: once the other 248 sat unfed for 32 steps, they leave, and its steps run 8 rows, not 256.
 */
public record CompactionPolicy(int minHoles, double maxHoleFraction, double maxDeadRowFraction, int idleSteps) {

    public static CompactionPolicy defaults() {
        return new CompactionPolicy(32, 0.5, 0.25, 32);
    }

    public CompactionPolicy {
        if (minHoles < 0 || maxHoleFraction < 0 || maxHoleFraction > 1 || maxDeadRowFraction < 0 || maxDeadRowFraction > 1
                || idleSteps < 1) {
            throw new IllegalArgumentException(
                    "compaction policy needs minHoles >= 0, fractions in [0, 1] and idleSteps >= 1");
        }
    }

    /** {@code deadRows}: rows of removed and of idle sequences. */
    boolean shouldCompact(int columns, int longestSequence, int deadRows, int batch) {
        int holes = columns - longestSequence;
        boolean tooManyHoles = holes >= minHoles && holes > maxHoleFraction * columns;
        boolean tooManyDeadRows = deadRows > 0 && deadRows > maxDeadRowFraction * batch;
        return tooManyHoles || tooManyDeadRows;
    }
}
