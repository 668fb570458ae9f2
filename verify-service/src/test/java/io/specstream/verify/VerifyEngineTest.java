package io.specstream.verify;

import io.specstream.contract.DraftTail;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's contract with the service wiring: admissions, outcomes as deltas, budgets, refusals. */
class VerifyEngineTest {

    private static DecoderSession target;
    private static TextTokenizer tokenizer;
    private static int[] prompt;

    @BeforeAll
    static void open() {
        target = Models.open("target");
        tokenizer = Models.tokenizer();
        prompt = Models.prompt(tokenizer, Models.prompts(1).get(0));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        target.close();
    }

    @Test
    void theFirstOutcomeOfASequenceCarriesItsAdmissionTokenAndItsFirstStep() {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            engine.submit(RolloutSpec.greedy("r", prompt, 2, 16));
            List<StepOutcome> outcomes = engine.step(key -> Optional.empty());
            assertEquals(2, outcomes.size());
            for (StepOutcome outcome : outcomes) {
                assertEquals(0, outcome.startPosition());
                assertEquals(2, outcome.tokens().length);
                assertEquals(Optional.empty(), outcome.drafter());
            }
            StepOutcome next = engine.step(key -> Optional.empty()).get(0);
            assertEquals(2, next.startPosition());
            assertEquals(1, next.tokens().length);
        }
    }

    @Test
    void aCancelledRequestLeavesTheBatchAndTheOthersDecodeAsIfItNeverRan() {
        List<String> prompts = Models.prompts(2);
        RolloutSpec kept = RolloutSpec.greedy("kept", Models.prompt(tokenizer, prompts.get(0)), 2, 24);
        RolloutSpec cancelled = RolloutSpec.greedy("cancelled", Models.prompt(tokenizer, prompts.get(1)), 2, 24);
        List<CompletedRollout> alone;
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            alone = new PlainRollouts(engine).run(List.of(kept));
        }
        List<CompletedRollout> finished = new ArrayList<>();
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            engine.submit(kept);
            engine.submit(cancelled);
            engine.step(key -> Optional.empty());
            engine.step(key -> Optional.empty());

            assertTrue(engine.cancel("cancelled"));
            assertFalse(engine.cancel("cancelled"), "nothing left to cancel");
            assertEquals(List.of(new SequenceKey("kept", 0), new SequenceKey("kept", 1)), engine.activeKeys());
            while (engine.hasWork()) {
                engine.step(key -> Optional.empty()).forEach(outcome ->
                        assertEquals("kept", outcome.key().requestId(), "an outcome of a cancelled request"));
                finished.addAll(engine.takeFinished());
            }
        }
        List<CompletedRollout> ordered = RolloutOrder.sort(finished, List.of(kept));
        assertEquals(2, ordered.size());
        TieCheck check = new TieCheck(target);
        for (int i = 0; i < alone.size(); i++) {
            check.assertSame(alone.get(i), ordered.get(i), kept);
        }
    }

    @Test
    void admitReturnsTheKeysThatJoinedTheBatch() {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            engine.submit(RolloutSpec.greedy("r", prompt, 3, 16));
            assertEquals(List.of(new SequenceKey("r", 0), new SequenceKey("r", 1), new SequenceKey("r", 2)), engine.admit());
            assertEquals(List.of(), engine.admit());
            assertEquals(3, engine.activeKeys().size());
        }
    }

    @Test
    void aSequenceFinishedByItsFirstTokenCompletesWithoutAVerifyStep() {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            engine.submit(RolloutSpec.greedy("one", prompt, 1, 1));
            assertEquals(List.of(), engine.admit());
            StepOutcome outcome = engine.step(key -> Optional.empty()).get(0);
            assertEquals(Optional.of(FinishReason.MAX_TOKENS), outcome.finishReason());
            CompletedRollout rollout = engine.takeFinished().get(0);
            assertEquals(1, rollout.responseTokens());
            assertEquals(0, rollout.verifySteps());
            assertTrue(!engine.hasWork());
        }
    }

    @Test
    void aRequestWithMoreSamplesThanTheBatchHoldsIsRefusedAtSubmit() {
        VerifyConfig small = new VerifyConfig(2, 8, 4, Models.root().resolve("target"), Models.config(4).inference());
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, small)) {
            var e = assertThrows(IllegalArgumentException.class, () -> engine.submit(RolloutSpec.greedy("big", prompt, 3, 8)));
            assertTrue(e.getMessage().contains(VerifyConfig.MAX_BATCH_SEQUENCES + "=2"), e.getMessage());
        }
    }

    @Test
    void aPromptTooLongForTheModelIsRefusedAtSubmit() {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            int[] tooLong = new int[target.config().maxPositionEmbeddings()];
            assertThrows(IllegalArgumentException.class, () -> engine.submit(RolloutSpec.greedy("long", tooLong, 1, 8)));
        }
    }

    @Test
    void theTokenBudgetCapsDraftTokensPerStepWithoutChangingTheOutput() {
        List<RolloutSpec> specs = new ArrayList<>();
        List<String> prompts = Models.prompts(2);
        for (int i = 0; i < prompts.size(); i++) {
            specs.add(RolloutSpec.greedy("budget-" + i, Models.prompt(tokenizer, prompts.get(i)), 2, 32)
                    .withSampling(new SamplingParams(0.9, 0, 1), 3 + i));
        }
        List<CompletedRollout> plain;
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            plain = new PlainRollouts(engine).run(specs);
        }
        Map<SequenceKey, int[]> truth = new HashMap<>();
        plain.forEach(r -> truth.put(r.key(), r.responseIds()));

        VerifyConfig tight = new VerifyConfig(4, 6, 4, Models.root().resolve("target"), Models.config(4).inference());
        Map<SequenceKey, Integer> committed = new HashMap<>();
        List<CompletedRollout> budgeted = new ArrayList<>();
        boolean fullBatchUsedTheWholeBudget = false;
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, tight)) {
            specs.forEach(engine::submit);
            while (engine.hasWork()) {
                List<StepOutcome> outcomes = engine.step(key -> oracle(truth.get(key), committed.get(key)));
                int proposed = outcomes.stream().mapToInt(StepOutcome::proposed).sum();
                // every stepped sequence feeds its pending token plus the draft tokens it was given
                assertTrue(proposed + outcomes.size() <= 6, "a step fed more than verify.max-tokens-per-step=6 tokens: " + outcomes);
                fullBatchUsedTheWholeBudget |= outcomes.size() == 4 && proposed == 2;
                outcomes.forEach(o -> committed.put(o.key(), o.startPosition() + o.tokens().length));
                budgeted.addAll(engine.takeFinished());
            }
        }
        assertTrue(fullBatchUsedTheWholeBudget, "4 sequences and a budget of 6 leave 2 draft tokens per step");
        TieCheck check = new TieCheck(target);
        List<CompletedRollout> ordered = RolloutOrder.sort(budgeted, specs);
        for (int i = 0; i < plain.size(); i++) {
            check.assertSame(plain.get(i), ordered.get(i), specs.get(i / 2));
        }
    }

    private static Optional<DraftTail> oracle(int[] truth, Integer committed) {
        if (committed == null || committed >= truth.length) {
            return Optional.empty();
        }
        return Optional.of(new DraftTail("oracle", committed, Arrays.copyOfRange(truth, committed, Math.min(truth.length, committed + 4))));
    }
}
