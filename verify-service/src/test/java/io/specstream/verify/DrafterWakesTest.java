package io.specstream.verify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dear drafter's wake: the doc comment's example, and what counts in it. */
class DrafterWakesTest {

    private static final double PLAIN = 500_000;
    /** A draft model's round: 0.3 ms. */
    private static final double DEAR_ROUND = 300_000;

    @Test
    void theWakeIsWhatThePlainStepsAfterADearRoundTakeBeyondThePlainCost() {
        DrafterWakes wakes = new DrafterWakes();
        wakes.drafted("d", DEAR_ROUND, PLAIN);
        wakes.inWake(5, 1_500_000, PLAIN);

        for (int step = 0; step < DrafterWakes.STEPS; step++) {
            assertTrue(wakes.inWake(1, 600_000, PLAIN));
        }

        assertEquals(DrafterWakes.STEPS * 100_000, wakes.of("d"), 1e-6);
        assertFalse(wakes.inWake(1, 600_000, PLAIN), "past the wake a plain step is plain decoding again");
    }

    @Test
    void aWakeCutShortByTheNextRoundIsMeasuredInFullAfterIt() {
        DrafterWakes wakes = new DrafterWakes();
        wakes.drafted("d", DEAR_ROUND, PLAIN);
        wakes.inWake(2, 1_500_000, PLAIN);
        for (int step = 0; step < 10; step++) {
            wakes.inWake(1, 600_000, PLAIN);
        }
        wakes.drafted("d", DEAR_ROUND, PLAIN);
        wakes.inWake(2, 1_500_000, PLAIN);
        assertEquals(0, wakes.of("d"), 1e-6);

        for (int step = 0; step < DrafterWakes.STEPS; step++) {
            wakes.inWake(1, 600_000, PLAIN);
        }

        assertEquals((10 + DrafterWakes.STEPS) * 100_000, wakes.of("d"), 1e-6);
    }

    @Test
    void aPlainStepInTheSameStepAsADearRoundIsInItsWakeAndAWideOneIsNot() {
        DrafterWakes wakes = new DrafterWakes();

        wakes.drafted("d", DEAR_ROUND, PLAIN);
        assertTrue(wakes.inWake(1, 600_000, PLAIN));
        wakes.drafted("d", DEAR_ROUND, PLAIN);
        assertFalse(wakes.inWake(3, 1_500_000, PLAIN));
    }

    @Test
    void laterWakesAreAveragedInHalfEach() {
        DrafterWakes wakes = new DrafterWakes();
        wake(wakes, 600_000);
        wake(wakes, 500_000);

        assertEquals(DrafterWakes.STEPS * 100_000 / 2.0, wakes.of("d"), 1e-6);
    }

    @Test
    void aWakeOfTwoDraftersIsSharedBetweenThem() {
        DrafterWakes wakes = new DrafterWakes();
        wakes.drafted("a", DEAR_ROUND, PLAIN);
        wakes.drafted("b", DEAR_ROUND, PLAIN);
        wakes.inWake(5, 1_500_000, PLAIN);
        for (int step = 0; step < DrafterWakes.STEPS; step++) {
            wakes.inWake(1, 600_000, PLAIN);
        }

        assertEquals(DrafterWakes.STEPS * 50_000, wakes.of("a"), 1e-6);
        assertEquals(DrafterWakes.STEPS * 50_000, wakes.of("b"), 1e-6);
    }

    private static void wake(DrafterWakes wakes, long plainStepNanos) {
        wakes.drafted("d", DEAR_ROUND, PLAIN);
        wakes.inWake(5, 1_500_000, PLAIN);
        for (int step = 0; step < DrafterWakes.STEPS; step++) {
            wakes.inWake(1, plainStepNanos, PLAIN);
        }
    }
}
