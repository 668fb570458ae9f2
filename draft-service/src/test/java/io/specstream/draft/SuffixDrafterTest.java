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

class SuffixDrafterTest {

    private static final SequenceKey SAMPLE_0 = new SequenceKey("r", 0);
    private static final SequenceKey SAMPLE_1 = new SequenceKey("r", 1);
    private static final SequenceKey LATER = new SequenceKey("later", 0);

    private final SuffixDrafter drafter = SuffixDrafter.withDefaults();

    @Test
    void proposesFromItsOwnRepeatedOutput() {
        open(SAMPLE_0, 1, 2);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {5, 6, 7, 8, 5, 6});

        DraftTail tail = drafter.propose(SAMPLE_0, 2).orElseThrow();

        assertEquals(new DraftTail("suffix", 6, new int[] {7, 8}), tail);
    }

    @Test
    void proposesWhatASiblingWroteAfterTheSameContext() {
        open(SAMPLE_0, 1, 2);
        open(SAMPLE_1, 1, 2);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {5, 6, 7, 8});
        drafter.onCommitted(SAMPLE_1, 0, new int[] {5, 6});

        assertEquals(new DraftTail("suffix", 2, new int[] {7, 8}), drafter.propose(SAMPLE_1, 2).orElseThrow());
    }

    @Test
    void theDocumentedExampleProposesTheSiblingsContinuationAtPositionTwo() {
        open(SAMPLE_0, 10, 11);
        open(SAMPLE_1, 10, 11);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {20, 21, 22, 23});
        drafter.onCommitted(SAMPLE_1, 0, new int[] {20, 21});

        assertEquals(new DraftTail("suffix", 2, new int[] {22, 23}), drafter.propose(SAMPLE_1, 1).orElseThrow());
    }

    @Test
    void anotherRequestWithIdenticalPromptTokensIsASibling() {
        open(SAMPLE_0, 1, 2, 3);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {9, 8});
        open(LATER, 1, 2, 3);

        assertArrayEquals(new int[] {9, 8}, drafter.propose(LATER, 2).orElseThrow().tokens());
    }

    @Test
    void aNewRequestWithTheSamePromptGetsTheForgottenRolloutsContinuation() {
        open(SAMPLE_0, 1, 2, 3);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {9, 8, 7, 6});
        drafter.forget(SAMPLE_0);
        open(LATER, 1, 2, 3);

        // the whole 3-token prompt matches: 3 tokens of the earlier rollout
        assertEquals(new DraftTail("suffix", 0, new int[] {9, 8, 7}), drafter.propose(LATER, 4).orElseThrow());
    }

    @Test
    void aDifferentPromptDoesNotSeeAnotherGroupsHistory() {
        open(SAMPLE_0, 1, 2, 3);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {9, 8, 7});
        open(LATER, 4, 2, 3); // ends like the first prompt

        assertEquals(Optional.empty(), drafter.propose(LATER, 4));
    }

    @Test
    void promptsWithEqualHashesButDifferentTokensKeepSeparateHistories() {
        assertEquals(java.util.Arrays.hashCode(new int[] {0, 31}), java.util.Arrays.hashCode(new int[] {1, 0}));
        open(SAMPLE_0, 0, 31);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {5, 6});
        open(LATER, 1, 0); // in the first group, 0 went on with 31

        assertEquals(Optional.empty(), drafter.propose(LATER, 4));
    }

    @Test
    void aLongerMatchSpeculatesFurther() {
        SequenceKey fiveTokenMatch = new SequenceKey("five", 0);
        SequenceKey twoTokenMatch = new SequenceKey("two", 0);
        open(fiveTokenMatch, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 99, 1, 2, 3, 4, 5);
        open(twoTokenMatch, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 99, 4, 5);

        assertArrayEquals(new int[] {10, 11, 12, 13, 14}, drafter.propose(fiveTokenMatch, 1).orElseThrow().tokens());
        assertArrayEquals(new int[] {10, 11}, drafter.propose(twoTokenMatch, 1).orElseThrow().tokens());
    }

    @Test
    void speculationGrowsNoFurtherThanMaxSpeculation() {
        SuffixDrafter capped = new SuffixDrafter(new SuffixSettings(24, 12, 1.0, 3, 0.1, 1_000));
        capped.open(SAMPLE_0, new int[] {1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 99, 1, 2, 3, 4, 5},
                SamplingParams.greedy(), 0);

        assertArrayEquals(new int[] {10, 11, 12}, capped.propose(SAMPLE_0, 1).orElseThrow().tokens());
    }

    @Test
    void aShortMatchDraftsNoFurtherThanItsEvidenceWhateverK() {
        open(SAMPLE_0, 4, 5, 10, 11, 12, 13, 14, 99, 5);

        assertArrayEquals(new int[] {10}, drafter.propose(SAMPLE_0, 4).orElseThrow().tokens());
    }

    @Test
    void aBranchBelowTheMinimumShareEndsTheProposalThere() {
        SuffixDrafter strict = new SuffixDrafter(new SuffixSettings(24, 12, 4.0, 12, 0.6, 1_000));
        strict.open(SAMPLE_0, new int[] {1, 2}, SamplingParams.greedy(), 0);
        strict.open(SAMPLE_1, new int[] {1, 2}, SamplingParams.greedy(), 0);
        strict.onCommitted(SAMPLE_0, 0, new int[] {3, 4, 5, 7});
        strict.onCommitted(SAMPLE_1, 0, new int[] {3, 4, 5, 8});
        strict.open(LATER, new int[] {1, 2}, SamplingParams.greedy(), 0);

        // [3, 4, 5] is certain; then 7 and 8 have half the continuations each, below 0.6
        assertArrayEquals(new int[] {3, 4, 5}, strict.propose(LATER, 8).orElseThrow().tokens());
    }

    @Test
    void anAmbiguousFirstStepProposesNothing() {
        SuffixDrafter strict = new SuffixDrafter(new SuffixSettings(24, 12, 4.0, 12, 0.6, 1_000));
        strict.open(SAMPLE_0, new int[] {1, 2}, SamplingParams.greedy(), 0);
        strict.open(SAMPLE_1, new int[] {1, 2}, SamplingParams.greedy(), 0);
        strict.onCommitted(SAMPLE_0, 0, new int[] {7});
        strict.onCommitted(SAMPLE_1, 0, new int[] {8});
        strict.open(LATER, new int[] {1, 2}, SamplingParams.greedy(), 0);

        assertEquals(Optional.empty(), strict.propose(LATER, 4));
    }

    @Test
    void historyOverBudgetEvictsTheLeastRecentlyUsedIdleGroup() {
        SuffixDrafter bounded = new SuffixDrafter(new SuffixSettings(24, 12, 1.0, 12, 0.1, 14));
        rollout(bounded, new SequenceKey("a", 0), new int[] {1, 2, 3}, new int[] {7, 8, 9}); // 6 tokens, used first
        rollout(bounded, new SequenceKey("b", 0), new int[] {4, 5, 6}, new int[] {7, 8, 9}); // 6 tokens
        bounded.open(new SequenceKey("c", 0), new int[] {10, 11, 12}, SamplingParams.greedy(), 0); // 15 > 14

        bounded.open(new SequenceKey("a", 1), new int[] {1, 2, 3}, SamplingParams.greedy(), 0);
        bounded.open(new SequenceKey("b", 1), new int[] {4, 5, 6}, SamplingParams.greedy(), 0);

        assertEquals(Optional.empty(), bounded.propose(new SequenceKey("a", 1), 3), "a's history was evicted");
        assertArrayEquals(new int[] {7, 8, 9}, bounded.propose(new SequenceKey("b", 1), 3).orElseThrow().tokens());
    }

    @Test
    void aGroupWithOpenSequencesIsNeverEvicted() {
        SuffixDrafter bounded = new SuffixDrafter(new SuffixSettings(24, 12, 1.0, 12, 0.1, 8));
        bounded.open(SAMPLE_0, new int[] {1, 2, 3}, SamplingParams.greedy(), 0);
        bounded.onCommitted(SAMPLE_0, 0, new int[] {7, 8, 9}); // 6 tokens, least recently used, open
        bounded.open(LATER, new int[] {20, 21, 22, 23, 24}, SamplingParams.greedy(), 0); // 11 > 8

        bounded.open(SAMPLE_1, new int[] {1, 2, 3}, SamplingParams.greedy(), 0);

        assertArrayEquals(new int[] {7, 8, 9}, bounded.propose(SAMPLE_1, 3).orElseThrow().tokens());
        assertEquals(11, bounded.historyTokens(), "over budget while every group is open");
    }

    @Test
    void aGroupBecomesEvictableWhenItsLastSequenceIsForgotten() {
        SuffixDrafter bounded = new SuffixDrafter(new SuffixSettings(24, 12, 1.0, 12, 0.1, 8));
        bounded.open(SAMPLE_0, new int[] {1, 2, 3}, SamplingParams.greedy(), 0);
        bounded.onCommitted(SAMPLE_0, 0, new int[] {7, 8, 9});
        bounded.open(LATER, new int[] {20, 21, 22, 23, 24}, SamplingParams.greedy(), 0);

        bounded.forget(SAMPLE_0);

        assertEquals(5, bounded.historyTokens());
        assertEquals(1, bounded.historyGroups());
    }

    @Test
    void aDeltaRepeatingCommittedTokensAddsOnlyItsNewPartToTheHistory() {
        open(SAMPLE_0, 1, 2);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {5, 6});
        drafter.onCommitted(SAMPLE_0, 1, new int[] {6, 7});

        assertEquals(5, drafter.historyTokens(), "prompt [1, 2] and response [5, 6, 7], the repeated 6 once");
    }

    @Test
    void aContradictingCommitIsRefusedAndLeavesTheHistoryAsItWas() {
        open(SAMPLE_0, 1, 2);
        drafter.onCommitted(SAMPLE_0, 0, new int[] {5, 6});

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> drafter.onCommitted(SAMPLE_0, 1, new int[] {7, 8}));
        assertTrue(error.getMessage().contains("contradicts"), error.getMessage());
        assertEquals(4, drafter.historyTokens());
    }

    @Test
    void aCommitThatLeavesAGapIsRefused() {
        open(SAMPLE_0, 1, 2);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> drafter.onCommitted(SAMPLE_0, 2, new int[] {4}));
        assertTrue(error.getMessage().contains("gap"), error.getMessage());
    }

    @Test
    void unknownKeysAreAbsentAndIgnored() {
        open(SAMPLE_0, 5, 7, 5);
        SequenceKey unknown = new SequenceKey("unknown", 0);
        drafter.onCommitted(unknown, 0, new int[] {1});
        drafter.forget(unknown);

        assertEquals(List.of(SAMPLE_0), List.copyOf(drafter.proposeAll(List.of(SAMPLE_0, unknown), 2).keySet()));
    }

    @Test
    void aForgottenSequenceGetsNoTail() {
        open(SAMPLE_0, 5, 7, 5);
        drafter.forget(SAMPLE_0);

        assertTrue(drafter.proposeAll(List.of(SAMPLE_0), 4).isEmpty());
    }

    @Test
    void withoutAnEarlierOccurrenceNothingIsProposed() {
        open(SAMPLE_0, 5, 7, 9);

        assertEquals(Optional.empty(), drafter.propose(SAMPLE_0, 4));
    }

    private void open(SequenceKey key, int... prompt) {
        drafter.open(key, prompt, SamplingParams.greedy(), 0);
    }

    private static void rollout(SuffixDrafter drafter, SequenceKey key, int[] prompt, int[] response) {
        drafter.open(key, prompt, SamplingParams.greedy(), 0);
        drafter.onCommitted(key, 0, response);
        drafter.forget(key);
    }
}
