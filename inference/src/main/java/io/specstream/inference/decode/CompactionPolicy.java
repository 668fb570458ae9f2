package io.specstream.inference.decode;

/**
 * When to copy the cache into a dense layout. Holes (padding of shorter feeds, truncated draft tokens) and rows of
 * removed sequences cost attention work every step; a rebuild costs one host copy of the live cache.
 *
 * <p>Example with the defaults: 64 columns of which the longest sequence uses 40 -> 24 holes, under 32: keep;
 * 200 columns, longest 90 -> 110 holes, over 32 and over half: compact.
 */
public record CompactionPolicy(int minHoles, double maxHoleFraction, double maxDeadRowFraction) {

    public static CompactionPolicy defaults() {
        return new CompactionPolicy(32, 0.5, 0.25);
    }

    public CompactionPolicy {
        if (minHoles < 0 || maxHoleFraction < 0 || maxHoleFraction > 1 || maxDeadRowFraction < 0 || maxDeadRowFraction > 1) {
            throw new IllegalArgumentException("compaction policy needs minHoles >= 0 and fractions in [0, 1]");
        }
    }

    boolean shouldCompact(int columns, int longestSequence, int deadRows, int batch) {
        int holes = columns - longestSequence;
        boolean tooManyHoles = holes >= minHoles && holes > maxHoleFraction * columns;
        boolean tooManyDeadRows = deadRows > 0 && deadRows > maxDeadRowFraction * batch;
        return tooManyHoles || tooManyDeadRows;
    }
}
