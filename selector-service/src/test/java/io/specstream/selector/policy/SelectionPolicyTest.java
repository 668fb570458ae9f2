package io.specstream.selector.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.selector.SelectorConfig;
import io.specstream.selector.state.Choice;
import io.specstream.selector.state.DrafterEstimate;
import io.specstream.selector.state.RequestState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The worked example of {@link SelectionPolicy}'s doc comment, line by line, with the default config. */
class SelectionPolicyTest {

    private final SelectionPolicy policy = new SelectionPolicy(SelectorConfig.defaults().withK(2, 4, 8));

    @Test
    void smallBatchRunsAllDraftersWithTheLongestKWhenAcceptanceIsHigh() {
        assertEquals(new Choice(List.of("ngram", "draft-small", "suffix"), "ngram", 8), decide(Load.verifyOnly(3)));
    }

    @Test
    void halfLoadDropsTheWorstDrafterAndHalvesTheKRange() {
        assertEquals(new Choice(List.of("ngram", "draft-small"), "ngram", 5), decide(Load.of(18, 0.9)));
    }

    @Test
    void fullLoadRunsThePrimaryAloneWithTheShortestK() {
        assertEquals(new Choice(List.of("ngram"), "ngram", 2), decide(Load.of(40, 0.9)));
    }

    @Test
    void idleDraftingRunsAllDraftersEvenWhenTheVerifierIsFull() {
        assertEquals(new Choice(List.of("ngram", "draft-small", "suffix"), "ngram", 2), decide(Load.of(40, 0.1)));
    }

    @Test
    void ordinaryAcceptanceCapsKAtTheBaseLength() {
        RequestState state = state(Map.of("ngram", estimate(3.1, 0.5)), null);
        assertEquals(4, policy.decide(state, Load.verifyOnly(3)).orElseThrow().choice().k());
    }

    @Test
    void theIncumbentStaysWithinTheMarginAndYieldsBeyondIt() {
        Choice incumbent = new Choice(List.of("ngram"), "ngram", 8);
        RequestState close = state(Map.of("ngram", estimate(3.1, 0.78), "draft-small", estimate(3.5, 0.78)), incumbent);
        RequestState clear = state(Map.of("ngram", estimate(3.1, 0.78), "draft-small", estimate(3.8, 0.78)), incumbent);

        assertEquals("ngram", policy.decide(close, Load.verifyOnly(3)).orElseThrow().choice().primary());
        assertEquals("draft-small", policy.decide(clear, Load.verifyOnly(3)).orElseThrow().choice().primary());
    }

    @Test
    void noDecisionWhileNoDrafterHasEnoughObservations() {
        RequestState thin = state(Map.of("ngram", new DrafterEstimate(1, 4, 4, 0, 1)), null);
        assertTrue(policy.decide(thin, Load.verifyOnly(3)).isEmpty());
    }

    @Test
    void noDecisionWhileNoDrafterHasHadATokenAccepted() {
        RequestState failing = state(Map.of("ngram", new DrafterEstimate(5, 0, 20, 0, 5),
                "suffix", new DrafterEstimate(5, 0, 12, 0, 5)), null);
        assertTrue(policy.decide(failing, Load.verifyOnly(3)).isEmpty());
    }

    private Choice decide(Load load) {
        RequestState state = state(Map.of("ngram", estimate(3.1, 0.78), "draft-small", estimate(2.0, 0.5),
                "suffix", estimate(1.2, 0.3)), null);
        return policy.decide(state, load).orElseThrow().choice();
    }

    /** Ten equally weighted steps with this accepted-per-step and acceptance rate. */
    private static DrafterEstimate estimate(double acceptedPerStep, double rate) {
        return new DrafterEstimate(10, 10 * acceptedPerStep, 10 * acceptedPerStep / rate, 0, 10);
    }

    private static RequestState state(Map<String, DrafterEstimate> drafters, Choice emitted) {
        return new RequestState(drafters, Set.of(), 1, emitted);
    }
}
