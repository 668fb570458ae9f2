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
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The goodput controller in the engine, on the real target: whatever width it chooses, the rollouts are plain target
 * decoding (DESIGN invariant 1). A controller that finds every wide step too dear decodes exactly as plain decoding
 * does, step for step; one on free wide steps verifies every right draft; one on this machine's measured costs is
 * lossless with drafts that are partly wrong, greedy and sampled.
 */
class GoodputWidthsTest {

    private static final int MAX_NEW_TOKENS = 40;
    private static final int K = 4;
    private static final int BATCH = 8;
    private static final SamplingParams SAMPLED = new SamplingParams(1.0, 0, 1.0);

    private static DecoderSession target;
    private static TextTokenizer tokenizer;
    private static List<RolloutSpec> specs;
    private static List<CompletedRollout> plain;

    @BeforeAll
    static void open() {
        target = Models.open("target");
        tokenizer = Models.tokenizer();
        specs = new ArrayList<>();
        List<String> prompts = Models.prompts(4);
        for (int i = 0; i < prompts.size(); i++) {
            RolloutSpec spec = RolloutSpec.greedy("goodput-" + i, Models.prompt(tokenizer, prompts.get(i)), 2, MAX_NEW_TOKENS);
            specs.add(i % 2 == 0 ? spec : spec.withSampling(SAMPLED, 11 + i));
        }
        plain = run(StepWidths.widest(), (key, committed) -> Optional.empty(), new ArrayList<>());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        target.close();
    }

    @Test
    void aControllerThatChoosesWidthOneEverywhereIsExactlyPlainDecoding() {
        List<Integer> widths = new ArrayList<>();
        List<CompletedRollout> rollouts = run(controller(1000), GoodputWidthsTest::oracle, widths);

        assertEquals(plain, rollouts, "same tokens, log-probs and step counts as plain decoding");
        assertTrue(widths.stream().allMatch(w -> w == 1), "every step fed one token per sequence: " + widths);
        assertTrue(rollouts.stream().allMatch(r -> r.drafters().isEmpty()), "no draft was verified");
    }

    @Test
    void aControllerOnFreeWideStepsVerifiesEveryRightDraft() {
        List<Integer> widths = new ArrayList<>();
        List<CompletedRollout> rollouts = run(controller(1), GoodputWidthsTest::oracle, widths);

        assertSameTokens(rollouts);
        long proposed = rollouts.stream().mapToLong(r -> r.drafters().getOrDefault("oracle", DrafterStats.NONE).proposed()).sum();
        long accepted = rollouts.stream().mapToLong(r -> r.drafters().getOrDefault("oracle", DrafterStats.NONE).accepted()).sum();
        assertTrue(proposed > 0 && proposed == accepted, "right drafts verified and accepted in full: " + accepted + "/" + proposed);
        assertTrue(widths.contains(K + 1), "full-width steps taken: " + widths);
        assertTrue(steps(rollouts) < steps(plain), "fewer steps than plain: " + steps(rollouts) + " vs " + steps(plain));
    }

    @Test
    void aControllerOnThisMachinesMeasuredCostsIsLosslessWithPartlyWrongDrafts() {
        VerifyConfig config = config();
        GoodputController measured = new GoodputController(() -> StepCostCalibration.measure(target, config),
                new AcceptanceEstimates(K));
        // every third draft token is wrong: the rule must reject there, whatever width the controller picks
        List<CompletedRollout> rollouts = run(measured, (key, committed) -> oracle(key, committed).map(tail -> {
            int[] tokens = tail.tokens();
            for (int i = 2; i < tokens.length; i += 3) {
                tokens[i] = (tokens[i] + 1) % target.vocabSize();
            }
            return new DraftTail(tail.drafter(), tail.startPosition(), tokens);
        }), new ArrayList<>());

        assertSameTokens(rollouts);
    }

    private static void assertSameTokens(List<CompletedRollout> rollouts) {
        TieCheck check = new TieCheck(target);
        for (int i = 0; i < plain.size(); i++) {
            check.assertSame(plain.get(i), rollouts.get(i), specs.get(i / 2));
        }
    }

    /** Wide steps cost {@code widePrice} times a plain step, at every batch size. */
    private static GoodputController controller(double widePrice) {
        return new GoodputController(StepCostTable.flat(BATCH, K + 1, 1_000_000, widePrice), new AcceptanceEstimates(K));
    }

    private static VerifyConfig config() {
        return new VerifyConfig(BATCH, 512, K, Models.root().resolve("target"), Models.config(K).inference(),
                VerifyConfig.StepWidth.GOODPUT);
    }

    private static long steps(List<CompletedRollout> rollouts) {
        return rollouts.stream().mapToLong(CompletedRollout::verifySteps).sum();
    }

    /** The next K tokens of the plain rollout: a draft the target accepts in full. */
    private static Optional<DraftTail> oracle(SequenceKey key, int committed) {
        int[] truth = plain.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow().responseIds();
        return committed < truth.length
                ? Optional.of(new DraftTail("oracle", committed, Arrays.copyOfRange(truth, committed, Math.min(truth.length, committed + K))))
                : Optional.empty();
    }

    /** Runs the specs with {@code widths}, offering {@code hints(key, committed length)} every step; logs each width. */
    private static List<CompletedRollout> run(StepWidths widths, BiFunction<SequenceKey, Integer, Optional<DraftTail>> hints,
                                              List<Integer> stepWidths) {
        Map<SequenceKey, Integer> committed = new HashMap<>();
        List<CompletedRollout> done = new ArrayList<>();
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, config(), widths)) {
            specs.forEach(engine::submit);
            while (engine.hasWork()) {
                for (StepOutcome outcome : engine.step(key -> committed.containsKey(key)
                        ? hints.apply(key, committed.get(key)) : Optional.empty())) {
                    committed.put(outcome.key(), outcome.startPosition() + outcome.tokens().length);
                }
                stepWidths.add(engine.lastStepWidth());
                done.addAll(engine.takeFinished());
            }
        }
        return RolloutOrder.sort(done, specs);
    }
}
