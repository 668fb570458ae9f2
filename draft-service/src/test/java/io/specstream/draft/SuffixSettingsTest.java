package io.specstream.draft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuffixSettingsTest {

    @Test
    void theDefaultsAreValid() {
        assertDoesNotThrow(SuffixSettings::defaults);
    }

    @Test
    void aDepthBelowTwoIsRefused() {
        assertRefused(() -> new SuffixSettings(1, 1, 1.0, 4, 0.1, 100), "maxDepth=1", "an integer >= 2");
    }

    @Test
    void aPatternLengthThatLeavesNoRoomToContinueIsRefused() {
        assertRefused(() -> new SuffixSettings(8, 8, 1.0, 4, 0.1, 100), "maxPatternLength=8", "an integer in [1, maxDepth - 1] = [1, 7]");
    }

    @Test
    void aNonPositiveGrowthFactorIsRefused() {
        assertRefused(() -> new SuffixSettings(8, 4, 0.0, 4, 0.1, 100), "growthFactor=0.0", "a finite number > 0");
    }

    @Test
    void aMaxSpeculationBelowOneIsRefused() {
        assertRefused(() -> new SuffixSettings(8, 4, 1.0, 0, 0.1, 100), "maxSpeculation=0", "an integer >= 1");
    }

    @Test
    void aMinPathShareOutsideZeroToOneIsRefused() {
        assertRefused(() -> new SuffixSettings(8, 4, 1.0, 4, 1.5, 100), "minPathShare=1.5", "a number in [0, 1]");
    }

    @Test
    void aNegativeHistoryBudgetIsRefused() {
        assertRefused(() -> new SuffixSettings(8, 4, 1.0, 4, 0.1, -1), "historyTokenBudget=-1", "an integer >= 0");
    }

    private static void assertRefused(Executable construction, String named, String allowed) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, construction);
        assertTrue(error.getMessage().contains(named) && error.getMessage().contains("allowed values: " + allowed),
                error.getMessage());
    }
}
