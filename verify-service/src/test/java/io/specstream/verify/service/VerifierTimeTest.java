package io.specstream.verify.service;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VerifierTimeTest {

    private final VerifierTime time = new VerifierTime(Map.of(
            VerifierPhase.FORWARD, 6.0, VerifierPhase.ADMISSION, 0.5, VerifierPhase.DRAFTING, 0.2,
            VerifierPhase.OUTPUT, 0.8, VerifierPhase.TRANSACTIONS, 1.0, VerifierPhase.POLLING, 0.5,
            VerifierPhase.WAITING, 1.0));

    @Test
    void sharesAreOfTheWholeRunTime() {
        assertEquals(10.0, time.totalSeconds(), 1e-12);
        assertEquals(0.6, time.share(VerifierPhase.FORWARD), 1e-12);
    }

    @Test
    void overheadLeavesOutTheWaitsForPrompts() {
        assertEquals(2.3 / 9.0, time.overheadOutsideBubbles(), 1e-12);
    }

    @Test
    void aPhaseNeverChargedCountsAsNothing() {
        VerifierTime idle = new VerifierTime(Map.of(VerifierPhase.WAITING, 2.0));
        assertEquals(0, idle.seconds(VerifierPhase.FORWARD));
        assertEquals(0, idle.overheadOutsideBubbles());
    }
}
