package io.specstream.draft;

import io.specstream.inference.sampling.SamplingParams;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A source of draft tokens for the sequences it follows. Model drafters (a small model, batched across its
 * sequences) and model-free ones (n-gram, suffix over history) implement the same calls:
 *
 * <pre>{@code
 * drafter.open(key, prompt, params, seed);            // start following a sequence
 * Map<SequenceKey, DraftTail> tails = drafter.proposeAll(keys, 4);   // one batched call for many sequences
 * drafter.onCommitted(key, 0, new int[] {17, 4});      // the verifier's truth, as deltas in order
 * drafter.forget(key);                                 // the sequence finished
 * }</pre>
 *
 * Not thread-safe: one loop drives a drafter.
 */
public interface Drafter extends AutoCloseable {

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

    /**
     * Tails of at least {@code k} tokens past the last commit where the drafter can produce them (fewer near the
     * context end); sequences it does not follow or cannot draft for are absent from the map.
     */
    Map<SequenceKey, DraftTail> proposeAll(List<SequenceKey> keys, int k);

    default Optional<DraftTail> propose(SequenceKey key, int k) {
        return Optional.ofNullable(proposeAll(List.of(key), k).get(key));
    }

    @Override
    default void close() {
    }
}
