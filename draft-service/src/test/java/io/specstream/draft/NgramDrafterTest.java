package io.specstream.draft;

import io.specstream.contract.DraftTail;
import io.specstream.contract.SequenceKey;

import io.specstream.inference.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NgramDrafterTest {

    private static final SequenceKey KEY = new SequenceKey("r", 0);

    @Test
    void theDocumentedExampleProposesWhatFollowedTheLongestMatchingSuffix() {
        NgramDrafter drafter = drafterOn(new int[] {5, 7, 9, 2, 5, 7});

        DraftTail tail = drafter.propose(KEY, 4).orElseThrow();

        assertArrayEquals(new int[] {9, 2, 5, 7}, tail.tokens());
        assertEquals(0, tail.startPosition(), "drafts start right after the committed response (none yet)");
        assertEquals("ngram", tail.drafter());
    }

    @Test
    void withoutAnEarlierOccurrenceNothingIsProposed() {
        assertEquals(Optional.empty(), drafterOn(new int[] {5, 7, 9}).propose(KEY, 4));
    }

    @Test
    void aLongerMatchWinsOverAMoreRecentShorterOne() {
        // suffix [3, 4]: occurs at 0 (followed by 8); the 1-gram [4] occurs more recently at 4 (followed by 6)
        NgramDrafter drafter = drafterOn(new int[] {3, 4, 8, 1, 4, 6, 3, 4});

        assertArrayEquals(new int[] {8, 1}, drafter.propose(KEY, 2).orElseThrow().tokens());
    }

    @Test
    void amongEqualMatchesTheMostRecentWins() {
        NgramDrafter drafter = drafterOn(new int[] {2, 9, 2, 6, 2});

        assertArrayEquals(new int[] {6, 2}, drafter.propose(KEY, 4).orElseThrow().tokens());
    }

    @Test
    void commitsExtendTheContextAndMoveTheTailStart() {
        NgramDrafter drafter = drafterOn(new int[] {1, 8, 5});
        drafter.onCommitted(KEY, 0, new int[] {1, 8});

        DraftTail tail = drafter.propose(KEY, 3).orElseThrow();

        assertEquals(2, tail.startPosition());
        assertArrayEquals(new int[] {5, 1, 8}, tail.tokens());
    }

    @Test
    void aCommitThatLeavesAGapIsRefused() {
        NgramDrafter drafter = drafterOn(new int[] {1, 2});

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> drafter.onCommitted(KEY, 3, new int[] {4}));
        assertTrue(error.getMessage().contains("gap"), error.getMessage());
    }

    @Test
    void aForgottenSequenceGetsNoTail() {
        NgramDrafter drafter = drafterOn(new int[] {5, 7, 5});
        drafter.forget(KEY);

        assertTrue(drafter.proposeAll(List.of(KEY), 4).isEmpty());
    }

    @Test
    void invalidSizesAreRefusedNamingTheAllowedValues() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new NgramDrafter(3, 2));
        assertTrue(error.getMessage().contains("allowed values: 1 <= min <= max"), error.getMessage());
    }

    private static NgramDrafter drafterOn(int[] prompt) {
        NgramDrafter drafter = new NgramDrafter(1, 3);
        drafter.open(KEY, prompt, SamplingParams.greedy(), 0);
        return drafter;
    }
}
