package io.specstream.verify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceptanceEstimatesTest {

    @Test
    void beforeAnyJudgmentEveryPositionIsExpectedAtTheOpeningRate() {
        AcceptanceEstimates estimates = new AcceptanceEstimates(4, 0.8);

        assertArrayEquals(new double[] {0, 0.8, 0.8 + 0.64, 0.8 + 0.64 + 0.512},
                estimates.expectedAccepted("r", "d", 3), 1e-12);
    }

    @Test
    void aRequestsOwnRejectionsPullItsEstimateBelowItsDrafters() {
        AcceptanceEstimates estimates = new AcceptanceEstimates(4);
        for (int i = 0; i < 200; i++) {
            estimates.judged("others", "d", 4, 4);
        }
        for (int i = 0; i < 3; i++) {
            estimates.judged("r", "d", 4, 0);
        }

        double drafter = estimates.expectedAccepted("fresh", "d", 1)[1];
        double request = estimates.expectedAccepted("r", "d", 1)[1];
        assertTrue(drafter > 0.95, "the drafter's rate after 200 full acceptances, was " + drafter);
        assertEquals(4 * drafter / (1 + 0.9 + 0.81 + 4), request, 0.02);
    }

    @Test
    void positionsPastTheFirstRejectionStayUnjudged() {
        AcceptanceEstimates estimates = new AcceptanceEstimates(4, 0.5);
        for (int i = 0; i < 50; i++) {
            estimates.judged("r", "d", 4, 0);
        }
        double[] expected = estimates.expectedAccepted("r", "d", 2);

        assertTrue(expected[1] < 0.1, "position 1 was always rejected, was " + expected[1]);
        // position 2 borrows position 1's rate: the draft's second token is worth even less than its first
        assertTrue(expected[2] - expected[1] < expected[1] + 1e-12);
    }

    @Test
    void forgettingARequestKeepsWhatItsDrafterLearnt() {
        AcceptanceEstimates estimates = new AcceptanceEstimates(2, 0.5);
        for (int i = 0; i < 100; i++) {
            estimates.judged("r", "d", 2, 2);
        }
        estimates.forget("r");

        assertEquals(estimates.expectedAccepted("fresh", "d", 2)[2], estimates.expectedAccepted("r", "d", 2)[2], 1e-12);
        assertTrue(estimates.expectedAccepted("r", "d", 2)[2] > 1.5);
    }
}
