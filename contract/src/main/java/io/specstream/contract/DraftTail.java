package io.specstream.contract;

import java.util.Arrays;

/**
 * A drafter's guess of a sequence's continuation: {@code tokens} are the guessed response tokens at response
 * positions {@code startPosition, startPosition + 1, ...} (position 0 is the first generated token; the prompt is
 * not counted). A tail is only a hint: the verifier uses it if it still fits what was committed (see the
 * verifier's DraftValidity) and drops it otherwise.
 *
 * <p>Example: committed response [5, 9, 4]; a tail starting at 2 with [4, 7, 7] overlaps the committed 4 and
 * proposes [7, 7] for positions 3 and 4.
 */
public record DraftTail(String drafter, int startPosition, int[] tokens) {

    public DraftTail {
        if (drafter == null || drafter.isBlank()) {
            throw new IllegalArgumentException("drafter name must not be blank");
        }
        tokens = tokens.clone();
    }

    /** Position just past the last guessed token. */
    public int endPosition() {
        return startPosition + tokens.length;
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Token at response position {@code position}; the caller keeps it within [startPosition, endPosition). */
    public int tokenAt(int position) {
        return tokens[position - startPosition];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DraftTail that && drafter.equals(that.drafter)
                && startPosition == that.startPosition && Arrays.equals(tokens, that.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * drafter.hashCode() + startPosition) + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return drafter + "@" + startPosition + Arrays.toString(tokens);
    }
}
