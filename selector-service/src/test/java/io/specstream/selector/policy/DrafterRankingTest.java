package io.specstream.selector.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.specstream.selector.state.DrafterEstimate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrafterRankingTest {

    private final DrafterRanking ranking = new DrafterRanking(3);

    @Test
    void oneLuckyStepDoesNotOutrankASteadyRecord() {
        Map<String, DrafterEstimate> estimates = Map.of(
                "ngram", new DrafterEstimate(6, 15, 20, 0, 6),       // 15 / 7 = 2.14
                "suffix", new DrafterEstimate(1, 4, 4, 0, 1));       // 4 / 2 = 2.0

        assertEquals(List.of("ngram", "suffix"), names(estimates));
    }

    @Test
    void aDrafterSeenLessOftenOutranksOneThatIsSeenOftenAndAcceptsNothing() {
        Map<String, DrafterEstimate> estimates = Map.of(
                "ngram", new DrafterEstimate(4, 0, 16, 0, 4),        // 0
                "draft-small", new DrafterEstimate(2, 7, 8, 0, 2));  // 7 / 3 = 2.33

        List<RankedDrafter> ranked = ranking.rank(estimates);
        assertEquals(List.of("draft-small", "ngram"), ranked.stream().map(RankedDrafter::name).toList());
        assertEquals(List.of(false, true), ranked.stream().map(RankedDrafter::qualified).toList());
    }

    @Test
    void equalProgressIsBrokenByLowerCostThenByName() {
        Map<String, DrafterEstimate> estimates = Map.of(
                "b-cheap", new DrafterEstimate(4, 8, 16, 400, 4),
                "a-costly", new DrafterEstimate(4, 8, 16, 4000, 4),
                "c-cheap", new DrafterEstimate(4, 8, 16, 400, 4));

        assertEquals(List.of("b-cheap", "c-cheap", "a-costly"), names(estimates));
    }

    private List<String> names(Map<String, DrafterEstimate> estimates) {
        return ranking.rank(estimates).stream().map(RankedDrafter::name).toList();
    }
}
