package io.specstream.contract;


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
public interface Drafter extends SequenceFollower, AutoCloseable {

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
