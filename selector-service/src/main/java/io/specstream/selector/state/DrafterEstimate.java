package io.specstream.selector.state;

/**
 * What the selector knows about one drafter for one request: exponentially decayed sums, so recent verify steps
 * count most. Each observation multiplies the old sums by {@code decay} and adds the new step.
 *
 * <p>Example, decay 0.5: accepted 4 then 0 gives {@code acceptedSum = 0.5 * 4 + 0 = 2}, {@code weight = 0.5 + 1 =
 * 1.5}, so {@link #acceptedPerStep()} is 1.33 — closer to the recent 0 than the plain mean 2. With proposed 4 both
 * times, {@code proposedSum = 6} and {@link #acceptanceRate()} is 0.33.
 *
 * @param weight       decayed count of observations (the denominator of the per-step means)
 * @param acceptedSum  decayed sum of accepted (or, for an alternative, agreed) tokens
 * @param proposedSum  decayed sum of proposed tokens
 * @param costSum      decayed sum of drafting cost in microseconds (0 where unknown)
 * @param observations plain count of observations, for the evidence threshold
 */
public record DrafterEstimate(double weight, double acceptedSum, double proposedSum, double costSum,
                              int observations) {

    public static final DrafterEstimate NONE = new DrafterEstimate(0, 0, 0, 0, 0);

    /** This estimate after one more verify step in which the drafter proposed and had accepted these tokens. */
    public DrafterEstimate observe(double decay, int proposed, int accepted, long costMicros) {
        return new DrafterEstimate(
                decay * weight + 1,
                decay * acceptedSum + Math.max(0, accepted),
                decay * proposedSum + Math.max(0, proposed),
                decay * costSum + Math.max(0, costMicros),
                observations + 1);
    }

    /** Decayed mean of tokens accepted per verify step: the drafter's progress per step. */
    public double acceptedPerStep() {
        return weight == 0 ? 0 : acceptedSum / weight;
    }

    /** Decayed accepted / proposed: the share of its tokens the verifier keeps. */
    public double acceptanceRate() {
        return proposedSum == 0 ? 0 : acceptedSum / proposedSum;
    }

    /** Decayed mean drafting cost per step in microseconds. */
    public double costPerStepMicros() {
        return weight == 0 ? 0 : costSum / weight;
    }
}
