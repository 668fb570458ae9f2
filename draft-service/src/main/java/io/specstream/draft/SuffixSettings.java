package io.specstream.draft;

/**
 * The suffix drafter's knobs, validated on construction.
 *
 * @param maxDepth           longest substring the index keeps; bounds match plus speculation (SuffixDecoding: 24)
 * @param maxPatternLength   longest suffix of the sequence looked up, below maxDepth so a match can still continue
 * @param growthFactor       a match of m tokens may speculate up to ceil(growthFactor × m) tokens
 * @param maxSpeculation     cap on that growth (the caller's k is always allowed)
 * @param minPathShare       following stops where the product of the followed children's shares of their parents'
 *                           continuations falls below this: 0 never stops early, 1 follows only certain paths
 * @param historyTokenBudget prompt and response tokens kept in all prompt histories together before idle ones are
 *                           evicted, least recently used first (the index holds up to maxDepth nodes per token)
 */
public record SuffixSettings(int maxDepth, int maxPatternLength, double growthFactor, int maxSpeculation,
                             double minPathShare, long historyTokenBudget) {

    public SuffixSettings {
        if (maxDepth < 2) {
            throw invalid("maxDepth", maxDepth, "an integer >= 2");
        }
        if (maxPatternLength < 1 || maxPatternLength >= maxDepth) {
            throw invalid("maxPatternLength", maxPatternLength, "an integer in [1, maxDepth - 1] = [1, "
                    + (maxDepth - 1) + "]");
        }
        if (!(growthFactor > 0) || Double.isInfinite(growthFactor)) {
            throw invalid("growthFactor", growthFactor, "a finite number > 0");
        }
        if (maxSpeculation < 1) {
            throw invalid("maxSpeculation", maxSpeculation, "an integer >= 1");
        }
        if (!(minPathShare >= 0 && minPathShare <= 1)) {
            throw invalid("minPathShare", minPathShare, "a number in [0, 1]");
        }
        if (historyTokenBudget < 0) {
            throw invalid("historyTokenBudget", historyTokenBudget, "an integer >= 0");
        }
    }

    /**
     * SuffixDecoding's defaults (depth 24, growth 1.0, min share 0.1) with patterns and speculation up to 12 and a
     * history of 100,000 tokens (a few hundred MB of index at most, typically far less).
     */
    public static SuffixSettings defaults() {
        return new SuffixSettings(24, 12, 1.0, 12, 0.1, 100_000);
    }

    private static IllegalArgumentException invalid(String name, Object value, String allowed) {
        return new IllegalArgumentException("suffix drafter " + name + "=" + value + " is not valid; allowed values: "
                + allowed);
    }
}
