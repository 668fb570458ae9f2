package io.specstream.contract;

import io.specstream.inference.sampling.SamplingParams;

/**
 * Something that follows sequences as the verifier commits them: opened with the request's prompt and sampling
 * rule, told every verified delta in order, forgotten at the end. Every {@link Drafter} is one; a
 * {@link DrafterPool} drives any number of them together.
 */
public interface SequenceFollower {

    /** Name reported with every tail and in acceptance statistics, e.g. {@code draft-small}. */
    String name();

    /**
     * Starts following {@code key}. {@code params} and {@code seed} are the request's sampling rule, so a drafter
     * that samples can draw with the target's own noise.
     */
    void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed);

    /**
     * The verifier committed {@code tokens} at response positions {@code startPosition, ...}. Deltas arrive in
     * order; a delta that repeats already known tokens is accepted and its new part applied.
     */
    void onCommitted(SequenceKey key, int startPosition, int[] tokens);

    /** Stops following {@code key}; unknown keys are ignored. */
    void forget(SequenceKey key);
}
