package io.specstream.bench.measure;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceptanceLogTest {

    /** Two steps of 2 sequences: the first at t=1000 ms (3 ms, one draft-small draft), the second at t=1900 (5 ms). */
    private static final List<SequenceStep> EVENTS = List.of(
            event("a", 0, "draft-small", 4, 3, 1_000, 3_000, 2),
            event("a", 1, null, 0, 0, 1_000, 3_000, 2),
            event("a", 0, "suffix", 2, 2, 1_900, 5_000, 2),
            event("a", 1, "draft-small", 4, 0, 1_900, 5_000, 2));

    private final AcceptanceLog log = new AcceptanceLog(EVENTS, 1_000, 2_000);

    @Test
    void theDraftedShareCountsSequenceStepsThatVerifiedADraft() {
        assertEquals(4, log.sequenceSteps());
        assertEquals(0.75, log.draftedShare(), 1e-12);
    }

    @Test
    void theOnHandShareCountsStepsWithAValidDraftWhetherVerifiedOrNot() {
        AcceptanceLog onHand = new AcceptanceLog(List.of(
                new SequenceStep("draft-small", 4, 3, 5, 1_000, true),
                new SequenceStep(null, 0, 0, 1, 1_000, true), // the controller chose width 1 over a usable draft
                new SequenceStep(null, 0, 0, 1, 1_000, false),
                new SequenceStep(null, 0, 0, 1, 1_000, false)), 1_000, 2_000);

        assertEquals(0.25, onHand.draftedShare(), 1e-12);
        assertEquals(0.5, onHand.onHandShare(), 1e-12);
    }

    @Test
    void eachDrafterIsCreditedWithTheStepsThatVerifiedItsDraft() {
        Map<String, AcceptanceLog.DrafterFigures> figures = log.byDrafter();

        assertEquals(List.of("draft-small", "suffix"), List.copyOf(figures.keySet()));
        assertEquals(new AcceptanceLog.DrafterFigures(8, 3, 2), figures.get("draft-small"));
        assertEquals(1.5, figures.get("draft-small").acceptedPerStep(), 1e-12);
        assertEquals(0.375, figures.get("draft-small").acceptanceRate(), 1e-12);
    }

    @Test
    void acceptanceOverProgressAveragesDraftedStepsPerSliceOfTheRun() {
        double[] mean = log.acceptanceOverProgress(2);

        assertEquals(3.0, mean[0], 1e-12);
        assertEquals(1.0, mean[1], 1e-12);
        assertTrue(Double.isNaN(new AcceptanceLog(List.of(), 0, 10).acceptanceOverProgress(1)[0]));
    }

    @Test
    void drafterSharesOfEverySliceAddUpToOne() {
        Map<String, double[]> shares = log.drafterShareOverTime(2);

        assertArrayEquals(new double[]{0.5, 0.5}, shares.get("draft-small"), 1e-12);
        assertArrayEquals(new double[]{0.5, 0.0}, shares.get(AcceptanceLog.NO_DRAFT), 1e-12);
        assertArrayEquals(new double[]{0.0, 0.5}, shares.get("suffix"), 1e-12);
    }

    private static SequenceStep event(String request, int sample, String drafter, int proposed, int accepted,
                                      long timestampMs, long costMicros, int batch) {
        return new SequenceStep(drafter, proposed, accepted, 5, timestampMs);
    }

    @Test
    void perTokenAcceptanceCountsAcceptedTokensAgainstTheFirstRejections() {
        // accepted 3 + 2 + 0 = 5 tokens; draft-small's two drafts each ended in a rejection, suffix's did not
        assertEquals(5.0 / 7, log.perTokenAcceptance().orElseThrow(), 1e-12);
        assertTrue(new AcceptanceLog(List.of(event("a", 0, null, 0, 0, 1_000, 0, 1)), 0, 10).perTokenAcceptance().isEmpty());
    }

    @Test
    void widthSharesCountSequenceStepsPerStepWidth() {
        AcceptanceLog widths = new AcceptanceLog(List.of(
                new SequenceStep(null, 0, 0, 1, 10), new SequenceStep(null, 0, 0, 1, 10),
                new SequenceStep("suffix", 2, 1, 3, 20), new SequenceStep(null, 0, 0, 3, 20)), 0, 30);

        assertEquals(Map.of(1, 0.5, 3, 0.5), widths.widthShares());
    }
}
