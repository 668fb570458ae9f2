package io.specstream.verify;

import io.specstream.contract.DraftTail;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DraftValidityTest {

    private static final int[] COMMITTED = {5, 9, 4};
    private final DraftValidity validity = new DraftValidity(768);

    private Optional<int[]> usable(int start, int[] tokens, int limit) {
        return validity.usableSuffix(new DraftTail("d", start, tokens), COMMITTED, COMMITTED.length, limit);
    }

    @Test
    void aTailOverlappingCommittedTokensAgreeingYieldsItsPartPastTheCommittedLength() {
        assertArrayEquals(new int[] {7, 8, 6}, usable(1, new int[] {9, 4, 7, 8, 6}, 8).orElseThrow());
    }

    @Test
    void aTailStartingExactlyAtTheCommittedLengthIsUsedWhole() {
        assertArrayEquals(new int[] {7, 8}, usable(3, new int[] {7, 8}, 8).orElseThrow());
    }

    @Test
    void theUsablePartIsCutToTheLimit() {
        assertArrayEquals(new int[] {7, 8}, usable(2, new int[] {4, 7, 8, 6, 1}, 2).orElseThrow());
    }

    @Test
    void aTailDisagreeingWithACommittedTokenIsUnusable() {
        assertEquals(Optional.empty(), usable(1, new int[] {9, 3, 7}, 8));
    }

    @Test
    void aTailStartingPastTheCommittedLengthIsUnusable() {
        assertEquals(Optional.empty(), usable(4, new int[] {8, 6}, 8));
    }

    @Test
    void aTailEndingAtOrBeforeTheCommittedLengthIsUnusable() {
        assertEquals(Optional.empty(), usable(0, new int[] {5, 9, 4}, 8));
    }

    @Test
    void aTailWithAnIdOutsideTheVocabularyIsUnusable() {
        assertEquals(Optional.empty(), usable(3, new int[] {7, 768}, 8));
        assertEquals(Optional.empty(), usable(3, new int[] {-1, 7}, 8));
    }

    @Test
    void aTailWithANegativeStartIsUnusable() {
        assertEquals(Optional.empty(), usable(-1, new int[] {0, 5, 9, 4, 7}, 8));
    }

    @Test
    void noTokensAreUsableWhenTheLimitIsZero() {
        assertEquals(Optional.empty(), usable(3, new int[] {7}, 0));
    }
}
