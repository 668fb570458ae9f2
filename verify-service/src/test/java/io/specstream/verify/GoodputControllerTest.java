package io.specstream.verify;

import io.specstream.contract.SequenceKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controller's choices on fixed cost tables and acceptance: the worked example of its doc comment, and more. */
class GoodputControllerTest {

    /** c(B, w) relative to c(B, 1), as measured on this project's CPU: wide steps cheap at 8, dear at 64. */
    private static final double[] AT_8 = {1, 1.3, 1.54, 1.8, 1.97};
    private static final double[] AT_64 = {1, 1.62, 2.04, 2.6, 3.05};

    @Test
    void atEightSequencesAndAcceptance0_8TheWholeFourTokenDraftIsVerified() {
        assertEquals(5, controllerAt(8, AT_8, 0.8).width(8, rows(8, 4), 5));
    }

    @Test
    void atSixtyFourSequencesTheSameAcceptanceIsWorthOnlyTwoDraftTokens() {
        assertEquals(3, controllerAt(64, AT_64, 0.8).width(64, rows(64, 4), 5));
    }

    @Test
    void atLowAcceptanceAndLargeBatchSpeculationIsTurnedOff() {
        assertEquals(1, controllerAt(64, AT_64, 0.34).width(64, rows(64, 4), 5));
    }

    @Test
    void oneDraftedRowMustPayForTheWidthOfTheWholeBatch() {
        // a single sure draft among 64 rows cannot pay a step 1.62× as dear; among 8 it cannot pay 1.3× either
        assertEquals(1, controllerAt(64, AT_64, 1.0).width(64, rows(1, 4), 5));
        assertEquals(1, controllerAt(8, AT_8, 1.0).width(8, rows(1, 4), 5));
    }

    @Test
    void aWideStepMustPromiseTheMarginOverPlainNotJustMore() {
        // every row drafts one token; c(8, 2) = 1.3 plain steps: at acceptance 0.4 width 2 scores 8.62 against
        // plain's 8, short of 1.1 × 8 = 8.8; at 0.45 it scores 8.92
        assertEquals(1, controllerAt(8, AT_8, 0.4).width(8, rows(8, 1), 5));
        assertEquals(2, controllerAt(8, AT_8, 0.45).width(8, rows(8, 1), 5));
    }

    @Test
    void theWidthNeverExceedsTheLongestDraftNorTheCap() {
        GoodputController free = controllerAt(8, new double[] {1, 1, 1, 1, 1}, 0.9);

        assertEquals(3, free.width(8, rows(8, 2), 5));
        assertEquals(2, free.width(8, rows(8, 4), 2));
        assertEquals(1, free.width(8, List.of(), 5));
    }

    @Test
    void draftingTimeInsideTheVerifierIsCountedWhenPlanningHowMuchToDraft() {
        GoodputController controller = controllerAt(8, AT_8, 0.8);
        List<String> requests = Collections.nCopies(8, "r");

        assertEquals(4, controller.plannedDraftTokens("d", requests, 4, DrafterCost.UNMEASURED));
        // each drafter step costs the verifier 0.4 of a plain step (1 ms at batch 8), one more than the tokens drafted:
        // 1 token → (8 + 6.4) / (1.3 + 0.8) = 6.9 tokens per ms < 8 plain; longer drafts fare worse
        assertEquals(0, controller.plannedDraftTokens("d", requests, 4, DrafterCost.perStep(0.4 * 1_000_000 / 8)));
    }

    @Test
    void aPausedDrafterIsSwitchedOnOnlyByDraftsWorthItsResume() {
        GoodputController controller = controllerAt(8, AT_8, 0.8);
        List<String> requests = Collections.nCopies(8, "r");
        // a drafter step costs 0.05 of a plain step per sequence: drafting pays while it drafts every step
        DrafterCost cheapSteps = new DrafterCost(0.05 * 1_000_000 / 8, 3 * 1_000_000 / 8, false);

        assertEquals(4, controller.plannedDraftTokens("d", requests, 4, cheapSteps));
        // but resuming it costs three plain steps: more than four drafted tokens a sequence gain
        assertEquals(0, controller.plannedDraftTokens("d", requests, 4, cheapSteps.paused(true)));
    }

    @Test
    void aDrafterSwitchedOffIsProbedWithOneTokenOnTwoConsecutiveStepsNowAndThen() {
        int steps = 2 * GoodputController.PROBE_EVERY + 2;
        String plans = plans(controllerAt(64, AT_64, 0.1), 64, DrafterCost.UNMEASURED, steps);

        assertEquals(twoProbesAfterPausesOf(GoodputController.PROBE_EVERY - 1), plans);
    }

    @Test
    void eachDrafterIsProbedOnItsOwnSchedule() {
        GoodputController controller = controllerAt(64, AT_64, 0.1);
        List<String> requests = Collections.nCopies(64, "r");
        int ngram = 0;
        int suffix = 0;
        for (int step = 0; step < GoodputController.PROBE_EVERY + 1; step++) {
            ngram += controller.plannedDraftTokens("ngram", requests, 4, DrafterCost.UNMEASURED);
            suffix += controller.plannedDraftTokens("suffix", requests, 4, DrafterCost.UNMEASURED);
        }
        assertEquals(2, ngram);
        assertEquals(2, suffix);
    }

    @Test
    void judgingAlternativesTeachesTheAcceptanceOfDraftsThatWereNotVerified() {
        AcceptanceEstimates estimates = new AcceptanceEstimates(4);
        GoodputController controller = new GoodputController(table(8, AT_8), estimates);
        double before = estimates.expectedAccepted("r", "suffix", 1)[1];
        for (int i = 0; i < 20; i++) {
            controller.judged(new StepOutcome(new SequenceKey("r", 0), i, new int[] {7}, Optional.empty(), 0, 0,
                    Optional.empty(), List.of(new Alternative("suffix", 4, 1))));
        }
        double after = estimates.expectedAccepted("r", "suffix", 1)[1];
        assertEquals(AcceptanceEstimates.OPENING_RATE, before, 1e-12);
        assertTrue(after > 0.9, "twenty agreeing first tokens raise the estimate, was " + after);
    }

    @Test
    void plainStepsInTheWakeOfADearDrafterLeaveTheCostTableAlone() {
        StepCostTable table = table(1, AT_8);
        // a drafter step costs a twentieth of a plain step: four tokens (five steps) a quarter
        GoodputController controller = draftingFourTokens(table, 0.05);
        controller.stepped(1, 5, 2_000_000);

        for (int step = 0; step < DrafterWakes.STEPS; step++) {
            controller.stepped(1, 1, 3_000_000); // the target runs slow after the draft model shared its core
        }
        assertEquals(1_000_000, table.nanos(1, 1), 1e-6);

        controller.stepped(1, 1, 3_000_000);
        assertEquals(1_020_000, table.nanos(1, 1), 1e-6);
    }

    @Test
    void aCheapDrafterLeavesNoWake() {
        StepCostTable table = table(1, AT_8);
        GoodputController controller = draftingFourTokens(table, 0.001); // a suffix index lookup

        controller.stepped(1, 1, 3_000_000);

        assertEquals(1_020_000, table.nanos(1, 1), 1e-6);
    }

    @Test
    void aDrafterIsProbedLessOftenOnceItsWakeIsKnown() {
        // as below, a probe costs 2 plain steps → one per 100; then its wake, 32 plain steps 1/16 slower, adds 2 more
        GoodputController controller = controllerAt(1, AT_8, 0.1);
        DrafterCost cost = DrafterCost.perStep(0.5 * 1_000_000);
        StringBuilder plans = new StringBuilder();
        int sinceDrafting = DrafterWakes.STEPS;
        for (int step = 0; step < 99 + 2 + 199 + 2; step++) {
            int planned = controller.plannedDraftTokens("d", List.of("r"), 4, cost);
            plans.append(planned);
            sinceDrafting = planned > 0 ? 0 : sinceDrafting + 1;
            controller.stepped(1, planned + 1, planned > 0 ? 2_000_000
                    : sinceDrafting <= DrafterWakes.STEPS ? 1_062_500 : 1_000_000);
        }

        assertEquals("0".repeat(99) + "11" + "0".repeat(199) + "11", plans.toString());
    }

    /** A controller on {@code table} (one sequence) that has just planned four tokens of a drafter this dear. */
    private static GoodputController draftingFourTokens(StepCostTable table, double perStepInPlainSteps) {
        GoodputController controller = new GoodputController(table, new AcceptanceEstimates(4, 0.9));
        DrafterCost cost = DrafterCost.perStep(perStepInPlainSteps * table.nanos(1, 1));
        assertEquals(4, controller.plannedDraftTokens("d", List.of("r"), 4, cost));
        return controller;
    }

    /** A controller whose table holds {@code relative} at every batch up to {@code batch}; every draft has rate α. */
    private static GoodputController controllerAt(int batch, double[] relative, double alpha) {
        // no judgment yet: every position is expected at the opening rate, so a j-token draft at α + ... + α^j
        return new GoodputController(table(batch, relative), new AcceptanceEstimates(relative.length - 1, alpha));
    }

    private static StepCostTable table(int batch, double[] relative) {
        double[][] nanos = new double[batch][relative.length];
        for (int b = 0; b < batch; b++) {
            for (int w = 0; w < relative.length; w++) {
                nanos[b][w] = 1_000_000 * relative[w];
            }
        }
        return StepCostTable.of(nanos);
    }

    private static List<StepWidths.Row> rows(int count, int draftTokens) {
        List<StepWidths.Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new StepWidths.Row("r", "d", draftTokens));
        }
        return rows;
    }

    @Test
    void aDearDrafterIsProbedLessOftenSoThatProbingTakesAtMostTwoPercent() {
        // a drafter step costs half a plain step: a probe (a resume like a step and a token, then a catch-up and a
        // token) costs 2 plain steps → one per 100 steps
        String plans = plans(controllerAt(1, AT_8, 0.1), 1, DrafterCost.perStep(0.5 * 1_000_000), 2 * 101);

        assertEquals(twoProbesAfterPausesOf(99), plans);
    }

    @Test
    void aDrafterDearToResumeIsProbedLessOftenStill() {
        // resuming re-prefills: 4 plain steps; with three drafter steps of half a plain step a probe costs 5.5 → one
        // per 275 steps
        DrafterCost dearToResume = new DrafterCost(0.5 * 1_000_000, 4 * 1_000_000, false);

        assertEquals(twoProbesAfterPausesOf(274), plans(controllerAt(1, AT_8, 0.1), 1, dearToResume, 2 * 276));
    }

    /** The controller's plans for drafter "d" over {@code steps} steps of {@code batch} sequences, one digit a step. */
    private static String plans(GoodputController controller, int batch, DrafterCost cost, int steps) {
        List<String> requests = Collections.nCopies(batch, "r");
        StringBuilder plans = new StringBuilder();
        for (int step = 0; step < steps; step++) {
            plans.append(controller.plannedDraftTokens("d", requests, 4, cost));
        }
        return plans.toString();
    }

    private static String twoProbesAfterPausesOf(int steps) {
        String pause = "0".repeat(steps);
        return pause + "11" + pause + "11";
    }
}
