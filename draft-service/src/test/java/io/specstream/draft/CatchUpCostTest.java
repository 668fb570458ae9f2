package io.specstream.draft;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a lagging sequence is fed its missing tokens in the batched step rather than prefilled anew. */
class CatchUpCostTest {

    @Test
    void aLoneLaggardIsCaughtUpInTheStep() {
        assertTrue(CatchUpCost.cheaperInStep(1, 15, 300));
    }

    @Test
    void oneLaggardInAWideBatchIsPrefilledRatherThanWideningEveryRow() {
        assertFalse(CatchUpCost.cheaperInStep(64, 15, 300));
    }

    @Test
    void manyLaggardsInAWideBatchAreCaughtUpTogetherInTheStep() {
        assertTrue(CatchUpCost.cheaperInStep(64, 15, 8 * 300));
    }
}
