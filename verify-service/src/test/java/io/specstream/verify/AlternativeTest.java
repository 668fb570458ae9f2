package io.specstream.verify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AlternativeTest {

    @Test
    void agreedCountsTheLeadingTokensEqualToTheCommittedOnes() {
        assertEquals(new Alternative("suffix", 4, 2),
                Alternative.judge("suffix", new int[] {7, 8, 5, 1}, new int[] {7, 8, 2}));
    }

    @Test
    void agreementStopsAtTheFirstDifferenceEvenIfLaterTokensMatchAgain() {
        assertEquals(new Alternative("ngram", 3, 1),
                Alternative.judge("ngram", new int[] {7, 9, 2}, new int[] {7, 8, 2}));
    }

    @Test
    void aDifferentFirstTokenAgreesOnNothing() {
        assertEquals(new Alternative("ngram", 2, 0),
                Alternative.judge("ngram", new int[] {3, 8}, new int[] {7, 8}));
    }

    @Test
    void anAlternativeMatchingEverythingCommittedAndOfferingMoreGetsTheCommittedLengthAsALowerBound() {
        assertEquals(new Alternative("suffix", 5, 3),
                Alternative.judge("suffix", new int[] {7, 8, 2, 6, 6}, new int[] {7, 8, 2}));
    }

    @Test
    void aShorterAlternativeAgreeingThroughoutAgreesOnAllItProposed() {
        assertEquals(new Alternative("ngram", 2, 2),
                Alternative.judge("ngram", new int[] {7, 8}, new int[] {7, 8, 2}));
    }
}
