package io.specstream.contract;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Drafters driven beside an engine: the one way every drafting path follows sequences — the coupled reference,
 * the drafters inside the verifier, and draft-service's loop (whose {@link SequenceFollower}s wrap drafters with a
 * publishing policy). It opens a sequence in every drafter, hands each verified delta to every drafter, forgets the
 * sequence when it finishes, and times a drafter's proposals.
 *
 * <pre>{@code
 * DrafterPool<Drafter> pool = new DrafterPool<>(List.of(ngram, suffix));
 * pool.open(key, terms);                                   // every drafter follows key, or none does
 * DrafterPool.Proposals p = DrafterPool.propose(ngram, keys, 4);  // tails of up to 4 tokens, and their cost
 * pool.committed(key, 0, new int[] {17, 4}, false);         // the verifier's truth
 * pool.committed(key, 2, new int[] {9}, true);              // the last delta: forgotten after it
 * pool.committedLength(key)                                 // → empty: no longer followed
 * }</pre>
 *
 * <p>Not thread-safe: one loop drives a pool.
 */
public final class DrafterPool<F extends SequenceFollower> {

    /** What a drafter proposed for some sequences, and the drafting time per sequence in microseconds. */
    public record Proposals(Map<SequenceKey, DraftTail> tails, long microsPerSequence) {
        public Proposals {
            tails = Map.copyOf(tails);
        }
    }

    private final List<F> drafters;
    private final Map<SequenceKey, Integer> committedLengths = new HashMap<>();

    /** A pool of {@code drafters}, whose names must be distinct. */
    public DrafterPool(List<? extends F> drafters) {
        Set<String> names = new HashSet<>();
        for (F drafter : drafters) {
            if (!names.add(drafter.name())) {
                throw new IllegalArgumentException("drafter '" + drafter.name() + "' is configured twice");
            }
        }
        this.drafters = List.copyOf(drafters);
    }

    public List<F> drafters() {
        return drafters;
    }

    public boolean isEmpty() {
        return drafters.isEmpty();
    }

    /**
     * Every drafter starts following {@code key}; if one refuses (e.g. a prompt longer than its context), none keeps
     * it and the reason comes back.
     */
    public Optional<String> open(SequenceKey key, RequestTerms terms) {
        try {
            for (F drafter : drafters) {
                drafter.open(key, terms.promptIds(), terms.sampling(), terms.seed());
            }
        } catch (RuntimeException e) {
            drafters.forEach(drafter -> drafter.forget(key));
            return Optional.of(e.getMessage());
        }
        committedLengths.put(key, 0);
        return Optional.empty();
    }

    public boolean follows(SequenceKey key) {
        return committedLengths.containsKey(key);
    }

    /** Sequences followed now. */
    public Set<SequenceKey> followed() {
        return committedLengths.keySet();
    }

    /** Response tokens committed to {@code key} as far as the drafters know, if it is followed. */
    public OptionalInt committedLength(SequenceKey key) {
        Integer length = committedLengths.get(key);
        return length == null ? OptionalInt.empty() : OptionalInt.of(length);
    }

    /**
     * The verifier committed {@code tokens} at response positions {@code startPosition, ...}; with {@code finished}
     * the sequence is forgotten after the drafters heard the last delta (a history drafter keeps the rollout).
     * A delta that leaves a gap or contradicts an earlier one means the drafters lost track of the truth: the
     * sequence is forgotten and the IllegalArgumentException comes through. Unfollowed keys are ignored.
     */
    public void committed(SequenceKey key, int startPosition, int[] tokens, boolean finished) {
        if (!follows(key)) {
            return;
        }
        try {
            for (F drafter : drafters) {
                drafter.onCommitted(key, startPosition, tokens);
            }
        } catch (IllegalArgumentException e) {
            forget(key);
            throw e;
        }
        committedLengths.merge(key, startPosition + tokens.length, Math::max);
        if (finished) {
            forget(key);
        }
    }

    /** Every drafter stops following {@code key}. */
    public void forget(SequenceKey key) {
        drafters.forEach(drafter -> drafter.forget(key));
        committedLengths.remove(key);
    }

    /** {@code drafter}'s tails of at least {@code k} tokens for {@code keys}, timed. */
    public static Proposals propose(Drafter drafter, List<SequenceKey> keys, int k) {
        if (keys.isEmpty()) {
            return new Proposals(Map.of(), 0);
        }
        long started = System.nanoTime();
        Map<SequenceKey, DraftTail> tails = drafter.proposeAll(keys, k);
        return new Proposals(tails, (System.nanoTime() - started) / 1_000 / keys.size());
    }
}
