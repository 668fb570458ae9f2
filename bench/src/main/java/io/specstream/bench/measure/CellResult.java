package io.specstream.bench.measure;

import io.specstream.verify.service.VerifierTime;
import io.specstream.bench.CellKey;

import java.util.Arrays;
import java.util.List;

/**
 * What one cell measured: the trainer's view (makespan, completion times), the verifier's sequence-steps
 * ({@link StepLog}), from its meters the steps it took, the seconds it spent inside them, where the rest of its
 * time went and the acceptance of each policy version's sequences, and what used the cores over the makespan
 * ({@link CoreUse}).
 */
public record CellResult(CellKey key, double makespanSeconds, List<SequenceResult> sequences, AcceptanceLog steps,
                         long verifySteps, double stepSeconds, VerifierTime verifierTime, List<String> pinning,
                         PolicyAcceptance byPolicy, CoreUse coreUse) {

    public CellResult {
        sequences = List.copyOf(sequences);
        pinning = List.copyOf(pinning);
    }

    public long tokens() {
        return sequences.stream().mapToLong(s -> s.tokens().size()).sum();
    }

    /** Mean rollout throughput: response tokens of every sequence over the makespan. */
    public double tokensPerSecond() {
        return makespanSeconds > 0 ? tokens() / makespanSeconds : 0;
    }

    /** Completion time at quantile {@code q} in [0, 1] (nearest rank). */
    public double completionQuantile(double q) {
        double[] sorted = completionTimes();
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** Every sequence's completion time in seconds, ascending. */
    public double[] completionTimes() {
        double[] times = sequences.stream().mapToDouble(SequenceResult::completionSeconds).toArray();
        Arrays.sort(times);
        return times;
    }

    /** Share of the makespan the verifier spent outside its steps (polling, publishing, committing, waiting). */
    public double verifierIdleShare() {
        return makespanSeconds > 0 ? Math.max(0, 1 - stepSeconds / makespanSeconds) : 0;
    }
}
