package io.specstream.pipeline.cli;

import io.specstream.schemas.avro.DrafterStats;
import io.specstream.schemas.avro.Rollout;

/**
 * Running totals over the rollouts received so far, e.g. after two sequences of 32 tokens that took 20 verify steps
 * each and had 30 of 40 proposed draft tokens accepted: {@code tokens=64, acceptedPerStep()=0.75}.
 */
final class RunTally {

    private final int expected;
    private int sequences;
    private long tokens;
    private long verifySteps;
    private long proposed;
    private long accepted;
    private long lastArrivalNanos = System.nanoTime();

    RunTally(int expected) {
        this.expected = expected;
    }

    void add(Rollout rollout) {
        lastArrivalNanos = System.nanoTime();
        sequences++;
        tokens += rollout.getResponseTokens();
        verifySteps += rollout.getVerifySteps();
        for (DrafterStats stats : rollout.getDrafterStats()) {
            proposed += stats.getProposed();
            accepted += stats.getAccepted();
        }
    }

    /** {@link System#nanoTime()} when the latest rollout was added. */
    long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    boolean complete() {
        return sequences >= expected;
    }

    int sequences() {
        return sequences;
    }

    int expected() {
        return expected;
    }

    long tokens() {
        return tokens;
    }

    double tokensPerSecond(double seconds) {
        return seconds > 0 ? tokens / seconds : 0;
    }

    /** Draft tokens accepted per verify step a sequence took part in (0 without drafts). */
    double acceptedPerStep() {
        return verifySteps > 0 ? (double) accepted / verifySteps : 0;
    }

    /** Share of proposed draft tokens accepted (0 without drafts). */
    double acceptanceRate() {
        return proposed > 0 ? (double) accepted / proposed : 0;
    }
}
