package io.specstream.draft.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PollPaceTest {

    private static final long US = 1_000L;
    /** An arbitrary clock origin: System.nanoTime() has none, so the pace must only use differences. */
    private static final long START = -9_876_543_210L;

    private final PollPace pace = new PollPace();

    @Test
    void theFirstTurnPolls() {
        assertTrue(pace.due(true, START));
    }

    @Test
    void aDraftingTurnWithinTwoMillisecondsOfTheLastPollDraftsWithoutPolling() {
        pace.due(true, START);

        assertFalse(pace.due(true, START + 300 * US));
        assertFalse(pace.due(true, START + 1_999 * US));
    }

    @Test
    void aDraftingTurnTwoMillisecondsAfterTheLastPollPolls() {
        pace.due(true, START);
        pace.due(true, START + 1_600 * US);

        assertTrue(pace.due(true, START + 2_100 * US));
        assertFalse(pace.due(true, START + 2_500 * US), "the pace counts from the latest poll");
    }

    @Test
    void aTurnWithNothingToDraftPollsAtOnce() {
        pace.due(true, START);

        assertTrue(pace.due(false, START + 100 * US));
    }
}
