package io.specstream.draft.service;

import io.specstream.contract.AssignmentBook;
import io.specstream.contract.DrafterPool;
import io.specstream.contract.RequestTerms;
import io.specstream.contract.SequenceKey;
import io.specstream.draft.NgramDrafter;
import io.specstream.inference.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One mirror per sequence of draft-service, over the n-gram drafter (model-free, deterministic). */
class SequenceMirrorsTest {

    private static final SequenceKey KEY = new SequenceKey("r1", 0);
    private static final RequestTerms TERMS = new RequestTerms(new int[] {5, 7, 9, 2, 5, 7}, 1,
            SamplingParams.greedy(), 1);

    private final DrafterPool<TailSource> pool =
            new DrafterPool<>(List.of(TailSource.lookup(new NgramDrafter(1, 3), 3)));
    private final SequenceMirrors mirrors = new SequenceMirrors(pool, new AssignmentBook());

    @Test
    void commitsBeforeThePromptAreReplayedWhenItArrives() {
        mirrors.committed(KEY, new SequenceMirrors.Delta(0, new int[] {9, 2}, false), 0);
        assertFalse(mirrors.follows(KEY));

        mirrors.prompted(KEY, TERMS, 0, 4);

        assertTrue(mirrors.follows(KEY));
        assertEquals(OptionalInt.of(2), pool.committedLength(KEY));
    }

    @Test
    void theFinishingCommitEndsTheMirror() {
        mirrors.prompted(KEY, TERMS, 0, 4);

        mirrors.committed(KEY, new SequenceMirrors.Delta(0, new int[] {9}, true), 0);

        assertFalse(mirrors.follows(KEY));
        assertEquals(0, mirrors.followed());
    }

    @Test
    void aCommitThatContradictsAnEarlierOneDropsTheMirror() {
        mirrors.prompted(KEY, TERMS, 0, 4);
        mirrors.committed(KEY, new SequenceMirrors.Delta(0, new int[] {9}, false), 0);

        mirrors.committed(KEY, new SequenceMirrors.Delta(0, new int[] {8}, false), 0);

        assertFalse(mirrors.follows(KEY));
    }

    @Test
    void aSequenceKnownFinishedIsNotReopenedByItsPromptReadAgain() {
        mirrors.finished(KEY, 0, 4);

        mirrors.prompted(KEY, TERMS, 0, 4);

        assertFalse(mirrors.follows(KEY));
    }

    @Test
    void theSamePromptIdAtAnotherOffsetIsANewRequest() {
        mirrors.finished(KEY, 0, 4);

        mirrors.prompted(KEY, TERMS, 0, 9);

        assertTrue(mirrors.follows(KEY));
    }

    @Test
    void aRevokedPartitionTakesItsSequencesAlong() {
        SequenceKey other = new SequenceKey("r2", 0);
        mirrors.prompted(KEY, TERMS, 0, 4);
        mirrors.prompted(other, TERMS, 1, 2);

        mirrors.release(Set.of(0));

        assertFalse(mirrors.follows(KEY));
        assertTrue(mirrors.follows(other));
    }

    @Test
    void aDrafterRunsForTheSequencesItsAssignmentLists() {
        mirrors.prompted(KEY, TERMS, 0, 4);

        assertEquals(List.of(KEY), mirrors.runFor(NgramDrafter.NAME));
    }
}
