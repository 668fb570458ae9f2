package io.specstream.verify;

import io.specstream.contract.DraftTail;

import java.util.Arrays;
import java.util.Optional;

/**
 * Decides whether a draft tail can be verified against a sequence's committed response (DESIGN invariant 3) and
 * cuts the part to verify. A tail is usable iff it starts at or before the committed length, agrees with every
 * committed token it overlaps, reaches at least one token past the committed length, and all its ids lie in
 * [0, vocab). Anything else — stale (disagreeing overlap), from the future (starts past the committed length),
 * already fully committed (a duplicate), out-of-range ids — is simply unusable.
 *
 * <p>Example: committed [5, 9, 4] (length 3); tail start 1 [9, 4, 7, 8, 6], limit 2 → usable [7, 8].
 * Tail start 1 [9, 3, 7] → unusable (position 2 disagrees); tail start 4 [8] → unusable (gap at position 3).
 */
public final class DraftValidity {

    private final int vocab;

    public DraftValidity(int vocab) {
        this.vocab = vocab;
    }

    /**
     * @param committed the sequence's committed response tokens {@code [0, committedLength)}
     * @param limit     the most tokens to take past the committed length
     * @return up to {@code limit} draft tokens for positions {@code committedLength, ...}; empty if unusable
     */
    public Optional<int[]> usableSuffix(DraftTail tail, int[] committed, int committedLength, int limit) {
        int start = tail.startPosition();
        int[] tokens = tail.tokens();
        if (limit < 1 || start < 0 || start > committedLength || start + tokens.length <= committedLength) {
            return Optional.empty();
        }
        for (int token : tokens) {
            if (token < 0 || token >= vocab) {
                return Optional.empty();
            }
        }
        for (int position = start; position < committedLength; position++) {
            if (tokens[position - start] != committed[position]) {
                return Optional.empty();
            }
        }
        int from = committedLength - start;
        return Optional.of(Arrays.copyOfRange(tokens, from, Math.min(tokens.length, from + limit)));
    }
}
