package io.specstream.draft.service;

import io.specstream.contract.DraftTail;
import io.specstream.draft.NgramDrafter;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With n-gram sizes 1..3 and k 3, prompt [5, 7, 9, 2, 5, 7] drafts [9, 2, 5] at response position 0 (the suffix
 * [5, 7] occurred at the start); after committing [9] it drafts [2, 5, 7] at position 1 (suffix [5, 7, 9]).
 */
class LookupTailsTest {

    private static final int[] PROMPT = {5, 7, 9, 2, 5, 7};
    private static final DraftTail FIRST = new DraftTail(NgramDrafter.NAME, 0, new int[] {9, 2, 5});
    private static final DraftTail AFTER_NINE = new DraftTail(NgramDrafter.NAME, 1, new int[] {2, 5, 7});

    private final SequenceKey key = new SequenceKey("r1", 0);
    private final SequenceKey sibling = new SequenceKey("r1", 1);
    private final NgramDrafter ngram = new NgramDrafter(1, 3);
    private final TailSource tails = TailSource.lookup(ngram, 3);

    private void open(TailSource source, SequenceKey sequence) {
        source.open(sequence, PROMPT, SamplingParams.greedy(), 1L);
    }

    @Test
    void anOpenedSequenceIsProposedForAndItsTailPublished() {
        open(tails, key);

        assertEquals(Map.of(key, FIRST), tails.draft(List.of(key)).tails());
    }

    @Test
    void eachPublishedTailComesWithItsDraftingCost() {
        open(tails, key);

        TailSource.Drafted drafted = tails.draft(List.of(key));

        assertEquals(Set.of(key), drafted.costMicros().keySet());
        assertTrue(drafted.costMicros().get(key) >= 0);
    }

    @Test
    void aLookupNeverReportsWorkLeft() {
        open(tails, key);

        assertFalse(tails.draft(List.of(key)).workLeft());
    }

    @Test
    void aSequenceTheDrafterFollowsButThatWasNotOpenedHereIsNotProposedFor() {
        ngram.open(key, PROMPT, SamplingParams.greedy(), 1L);

        assertEquals(Map.of(), tails.draft(List.of(key)).tails());
    }

    @Test
    void aSequenceIsNotProposedForAgainUntilItIsCommittedTo() {
        open(tails, key);
        tails.draft(List.of(key));
        // the drafter's answer changes, but nobody told the lookup: it must not ask again
        ngram.onCommitted(key, 0, new int[] {9});

        assertEquals(Map.of(), tails.draft(List.of(key)).tails());
    }

    @Test
    void aSequenceLeftOutOfACallStaysDueForTheNextOne() {
        open(tails, key);
        open(tails, sibling);
        tails.draft(List.of(key));

        assertEquals(Set.of(sibling), tails.draft(List.of(key, sibling)).tails().keySet());
    }

    @Test
    void aTailThatChangedAfterACommitIsPublished() {
        open(tails, key);
        tails.draft(List.of(key));

        tails.onCommitted(key, 0, new int[] {9});

        assertEquals(Map.of(key, AFTER_NINE), tails.draft(List.of(key)).tails());
    }

    @Test
    void anUnchangedTailIsNotPublishedTwice() {
        open(tails, key);
        tails.onCommitted(key, 0, new int[] {9});
        tails.draft(List.of(key));

        // a repeated delta is a commit that changes nothing: the proposal is the same tail as before
        tails.onCommitted(key, 0, new int[] {9});
        TailSource.Drafted drafted = tails.draft(List.of(key));

        assertEquals(Map.of(), drafted.tails());
        assertEquals(Map.of(), drafted.costMicros());
    }

    @Test
    void forgetDropsThePublishedTailSoAReopenedSequencePublishesItAgain() {
        open(tails, key);
        tails.draft(List.of(key));

        tails.forget(key);
        open(tails, key);

        assertEquals(Map.of(key, FIRST), tails.draft(List.of(key)).tails());
    }

    @Test
    void aForgottenSequenceIsNoLongerProposedFor() {
        open(tails, key);

        tails.forget(key);

        assertEquals(Map.of(), tails.draft(List.of(key)).tails());
    }

    @Test
    void itIsNamedAfterItsDrafter() {
        assertEquals(NgramDrafter.NAME, tails.name());
    }

    @Test
    void aDraftLengthBelowOneIsRefusedNamingTheAllowedValues() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TailSource.lookup(new NgramDrafter(1, 3), 0));

        assertTrue(refused.getMessage().contains("k=0"), refused.getMessage());
        assertTrue(refused.getMessage().contains("allowed values: an integer >= 1"), refused.getMessage());
    }
}
