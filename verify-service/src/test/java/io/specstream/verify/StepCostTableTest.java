package io.specstream.verify;

import io.specstream.inference.decode.StepCostProbe.StepCost;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cost table of the doc comment's example: interpolated between measured points, refined by observed steps. */
class StepCostTableTest {

    private static final List<StepCost> MEASURED = List.of(
            new StepCost(1, 1, 1_000_000), new StepCost(1, 5, 1_300_000),
            new StepCost(8, 1, 2_000_000), new StepCost(8, 5, 4_600_000));

    @Test
    void unmeasuredCellsAreInterpolatedLinearlyInWidthAndBatch() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        assertEquals(3_300_000, table.nanos(8, 3), 1e-6);
        assertEquals(1_000_000 + 3.0 / 7 * 1_000_000, table.nanos(4, 1), 1e-6);
        assertEquals(2.3, table.relative(8, 5), 1e-12);
    }

    @Test
    void aPlainStepRescalesItsWholeBatchRowAFifthOfTheWay() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        table.observe(8, 1, 2_100_000);

        assertEquals(2_020_000, table.nanos(8, 1), 1e-6);
        assertEquals(3_300_000 * 1.01, table.nanos(8, 3), 1e-6);
        assertEquals(1_000_000, table.nanos(1, 1), 1e-6);
    }

    @Test
    void aPlainStepMovesItsRowTwoPercentAtMost() {
        for (long observed : new long[] {2_400_000, 50_000_000}) {
            StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);
            table.observe(8, 1, observed);
            assertEquals(3_300_000 * 1.02, table.nanos(8, 3), 1e-6, "after a plain step of " + observed + " ns");
        }
    }

    @Test
    void theSlowPlainStepsAfterADraftingStreakRaiseThePlainCostByTenPercentAtMost() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        // measured: the five plain steps after a draft model stopped drafting on the verifier's core
        for (double slower : new double[] {2.1, 1.8, 1.7, 1.6, 1.5}) {
            table.observe(1, 1, Math.round(slower * 1_000_000));
        }

        assertEquals(1_000_000 * Math.pow(1.02, 5), table.nanos(1, 1), 1e-3);
    }

    @Test
    void plainStepsAreFollowedToTheirTypicalCostNotToTheirMeanWithPauses() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        // a compaction or GC pause (3×) once every seven plain steps, the others at 0.9 ms: a mean of 1.2 ms
        for (int step = 0; step < 10_000; step++) {
            table.observe(1, 1, step % 7 == 0 ? 3_000_000 : 900_000);
        }

        assertEquals(900_000, table.nanos(1, 1), 0.03 * 900_000);
    }

    @Test
    void aWideStepMovesOnlyItsOwnCellAFifthOfTheWay() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        table.observe(8, 3, 3_000_000);

        assertEquals(3_300_000 - 0.2 * 300_000, table.nanos(8, 3), 1e-6);
        assertEquals(2_000_000, table.nanos(8, 1), 1e-6);
        assertEquals(4_600_000, table.nanos(8, 5), 1e-6);
    }

    @Test
    void noisyPlainStepsLeaveTheRelativeCostOfWideStepsAsMeasured() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        // a compaction or GC pause (3×) once every seven plain steps, the others a little faster than the table
        for (int step = 0; step < 10_000; step++) {
            table.observe(1, 1, step % 7 == 0 ? 3_000_000 : 900_000);
        }

        assertEquals(1.3, table.relative(1, 5), 1e-9);
    }

    @Test
    void aWideOutlierMovesItsCellNoFurtherThanTwiceTheExpectedCost() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        table.observe(1, 5, 50_000_000); // a GC pause inside the step

        assertEquals(1_300_000 * 1.2, table.nanos(1, 5), 1e-6);
    }

    @Test
    void requestsBeyondTheTableAreClampedToItsEdges() {
        StepCostTable table = StepCostTable.interpolate(MEASURED, 8, 5);

        assertEquals(table.nanos(8, 5), table.nanos(64, 9), 1e-6);
    }

    @Test
    void aFlatTableCostsEveryWideStepTheSameMultipleOfPlainAtEveryBatch() {
        StepCostTable table = StepCostTable.flat(8, 5, 2_000_000, 1.5);

        for (int batch = 1; batch <= 8; batch++) {
            assertEquals(2_000_000, table.nanos(batch, 1), 1e-6);
            for (int width = 2; width <= 5; width++) {
                assertEquals(1.5, table.relative(batch, width), 1e-9, "batch " + batch + ", width " + width);
            }
        }
    }
}
