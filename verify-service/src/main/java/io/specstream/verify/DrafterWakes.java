package io.specstream.verify;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The wake a dear in-verifier drafter leaves: after a draft model's rounds on the verifier's core the target's plain
 * steps run slow for a while, and a switch-on pays it on top of the resume. Measured, for the {@value #STEPS} plain
 * steps after each dear round, as their forward time over the cost table's c(B, 1); those steps are not plain decoding
 * and stay out of the table.
 *
 * <p>Measured on this project's CPU (coupled, draft-small, one sequence, T = 1, plain steps of 0.5 ms): the plain
 * steps 1–4 after a drafting episode (mostly probes) took 1.52 times as long as the plain steps before it (median over
 * 51 episodes), steps 5–20 1.06 times, later ones as long: wakes of 1–4.5 ms, against 4–6 ms for a probe's resume.
 *
 * <p>Example: a dear round of drafter "d", then 32 plain steps of 0.6 ms where c(1, 1) is 0.5 ms → d's wake is
 * 32 × 0.1 ms = 3.2 ms (its first; later ones are averaged in, half each).
 */
final class DrafterWakes {

    /** Plain steps after a dear round that measure its wake. */
    static final int STEPS = 32;
    /** Weight of the latest wake in a drafter's average. */
    private static final double WEIGHT = 0.5;
    /** A round taking at least this share of a plain step is dear enough to leave a wake. */
    private static final double DEAR_ROUND = 0.1;

    private final Map<String, Double> wakes = new HashMap<>();
    private final Set<String> waking = new HashSet<>();
    private final Set<String> draftedThisStep = new HashSet<>();
    private int stepsSinceDearRound = STEPS;
    private double excess;

    /**
     * {@code drafter} drafts for this step, a round of {@code roundNanos} where a plain step takes {@code plainNanos}:
     * dear (a draft model), or cheap enough to leave no wake (an n-gram or suffix lookup).
     */
    void drafted(String drafter, double roundNanos, double plainNanos) {
        if (roundNanos >= DEAR_ROUND * plainNanos) {
            draftedThisStep.add(drafter);
        }
    }

    /**
     * A step {@code width} tokens wide took {@code forwardNanos} where the table expects {@code plainNanos} of a
     * plain one at its batch; true if it is a plain step in a wake, which the table must not learn from.
     */
    boolean inWake(int width, long forwardNanos, double plainNanos) {
        boolean plain = width == 1;
        if (!draftedThisStep.isEmpty()) {
            // a wake cut short by the next round goes on after it: one wake, measured in full
            waking.addAll(draftedThisStep);
            draftedThisStep.clear();
            stepsSinceDearRound = 0;
            return plain;
        }
        if (stepsSinceDearRound >= STEPS) {
            return false;
        }
        if (plain) {
            excess += forwardNanos - plainNanos;
        }
        if (++stepsSinceDearRound == STEPS) {
            settle();
        }
        return plain;
    }

    /** What {@code drafter}'s wake costs the verifier, in nanoseconds; 0 until one was measured. */
    double of(String drafter) {
        return wakes.getOrDefault(drafter, 0.0);
    }

    private void settle() {
        if (waking.isEmpty()) {
            return;
        }
        double each = Math.max(0, excess) / waking.size();
        for (String drafter : waking) {
            wakes.merge(drafter, each, (old, fresh) -> old + WEIGHT * (fresh - old));
        }
        waking.clear();
        excess = 0;
    }
}
