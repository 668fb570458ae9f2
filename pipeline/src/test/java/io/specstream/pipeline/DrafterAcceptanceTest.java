package io.specstream.pipeline;

import io.specstream.verify.CompletedRollout;
import io.specstream.verify.CoupledRollouts;
import io.specstream.verify.DrafterStats;
import io.specstream.verify.Models;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.VerifyEngine;

import io.specstream.contract.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drafters actually help on repetitive prompts (weekly savings over many weeks: the same step again and again):
 * their tokens are accepted, recorded per drafter, and the sequences need fewer verify steps than tokens.
 */
class DrafterAcceptanceTest {

    private static final int K = 4;
    private static final List<String> REPETITIVE = List.of(
            "Q: Sam has 32 dollars and saves 9 dollars every week. How much does he have after 6 weeks?\n",
            "Q: Sam has 12 dollars and saves 5 dollars every week. How much does he have after 7 weeks?\n",
            "Q: Compute 2 + 2 + 2 + 2 + 2 + 2 + 2, from left to right.\n");

    private static DecoderSession target;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void open() {
        target = Models.open("target");
        tokenizer = Models.tokenizer();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        target.close();
    }

    @Test
    void aDrafterRunningTheTargetModelIsAcceptedAndSavesVerifySteps() {
        try (DecoderSession self = Models.open("target")) {
            Totals greedy = run(self, "self", SamplingParams.greedy());
            assertTrue(greedy.accepted > 0, "no draft token accepted: " + greedy);
            assertTrue(greedy.verifySteps < greedy.tokens - greedy.sequences, "speculation saved no verify step: " + greedy);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"draft-small", "draft-tiny"})
    void aTrainedDraftModelIsAcceptedOnRepetitivePrompts(String model) {
        try (DecoderSession draft = Models.open(model)) {
            Totals greedy = run(draft, model, SamplingParams.greedy());
            Totals sampled = run(draft, model, new SamplingParams(0.8, 50, 0.95));
            assertTrue(greedy.accepted > 0, model + " had no greedy draft token accepted: " + greedy);
            assertTrue(sampled.accepted > 0, model + " had no sampled draft token accepted: " + sampled);
        }
    }

    private record Totals(int sequences, long tokens, long verifySteps, long proposed, long accepted) {
        double acceptedPerStep() {
            return verifySteps == 0 ? 0 : (double) accepted / verifySteps;
        }
    }

    private static Totals run(DecoderSession draft, String name, SamplingParams params) {
        List<RolloutSpec> specs = new ArrayList<>();
        for (int i = 0; i < REPETITIVE.size(); i++) {
            specs.add(RolloutSpec.greedy("repetitive-" + i, Models.prompt(tokenizer, REPETITIVE.get(i)), 2, 64)
                    .withSampling(params, 31 + i));
        }
        List<CompletedRollout> rollouts;
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(K));
             Drafter drafter = ModelDrafter.withWindowFor(name, draft, K)) {
            rollouts = new CoupledRollouts(engine, drafter, K).run(specs);
        }
        long tokens = 0;
        long steps = 0;
        long proposed = 0;
        long accepted = 0;
        for (CompletedRollout rollout : rollouts) {
            DrafterStats stats = rollout.drafters().getOrDefault(name, DrafterStats.NONE);
            tokens += rollout.responseTokens();
            steps += rollout.verifySteps();
            proposed += stats.proposed();
            accepted += stats.accepted();
        }
        Totals totals = new Totals(rollouts.size(), tokens, steps, proposed, accepted);
        System.out.printf("acceptance %s %s: %d tokens in %d verify steps, proposed %d, accepted %d, %.2f accepted per verify step%n",
                name, params, tokens, steps, proposed, accepted, totals.acceptedPerStep());
        return totals;
    }
}
