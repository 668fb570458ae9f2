package io.specstream.bench.measure;

/**
 * What one verify step did for one sequence, as far as the benchmark cares: the drafter whose draft it verified
 * ({@code null}: none), draft tokens verified and accepted, the step's width (tokens fed per sequence, as the
 * verifier chose it for the whole batch) and when the step ended (epoch milliseconds).
 */
public record SequenceStep(String drafter, int proposed, int accepted, int width, long timestampMs) {
}
