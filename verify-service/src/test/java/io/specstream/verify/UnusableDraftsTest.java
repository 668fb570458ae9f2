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
 * Drafts are hints (DESIGN invariant 3): tails fed by hand that are stale, from the future, duplicates of what is
 * committed, or hold out-of-range ids are dropped, so the rollouts are exactly the plain ones and no drafter is
 * credited. Tails that are right (cut from the plain rollout itself) are accepted and change nothing but the step
 * count.
 */
class UnusableDraftsTest {

    private static final int MAX_NEW_TOKENS = 40;
    private static final SamplingParams SAMPLED = new SamplingParams(0.9, 40, 0.95);

    private static DecoderSession target;
    private static TextTokenizer tokenizer;
    private static List<RolloutSpec> specs;
    private static List<CompletedRollout> reference;
    private static int vocab;

    @BeforeAll
    static void open() {
        target = Models.open("target");
        tokenizer = Models.tokenizer();
        vocab = target.vocabSize();
        specs = new ArrayList<>();
        List<String> prompts = Models.prompts(4);
        for (int i = 0; i < prompts.size(); i++) {
            specs.add(RolloutSpec.greedy("hints-" + i, Models.prompt(tokenizer, prompts.get(i)), 2, MAX_NEW_TOKENS)
                    .withSampling(SAMPLED, 5 + i));
        }
        reference = run((key, committed) -> Optional.empty());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        target.close();
    }

    @Test
    void staleTailsWhoseOverlapDisagreesAreIgnored() {
        assertIgnored((key, committed) -> {
            int[] truth = truth(key);
            int start = committed - 1;
            int[] tokens = Arrays.copyOfRange(truth, start, Math.min(truth.length, committed + 4));
            tokens[0] = (tokens[0] + 1) % vocab; // the overlap contradicts the committed token
            return Optional.of(new DraftTail("stale", start, tokens));
        });
    }

    @Test
    void tailsFromTheFutureAreIgnored() {
        assertIgnored((key, committed) -> {
            int[] truth = truth(key);
            int start = committed + 1; // one position past the committed length: a gap
            return start < truth.length
                    ? Optional.of(new DraftTail("future", start, Arrays.copyOfRange(truth, start, Math.min(truth.length, start + 4))))
                    : Optional.empty();
        });
    }

    @Test
    void duplicatedTailsHoldingOnlyCommittedTokensAreIgnored() {
        assertIgnored((key, committed) -> Optional.of(new DraftTail("duplicate", 0, Arrays.copyOf(truth(key), committed))));
    }

    @Test
    void tailsWithOutOfRangeIdsAreIgnored() {
        assertIgnored((key, committed) -> {
            int[] truth = truth(key);
            int next = committed < truth.length ? truth[committed] : 0;
            return Optional.of(new DraftTail("garbage", committed, new int[] {next, vocab, -1, vocab + 100}));
        });
    }

    @Test
    void rightTailsAreAcceptedAndLeaveTheRolloutsUnchanged() {
        List<CompletedRollout> oracle = run((key, committed) -> {
            int[] truth = truth(key);
            return committed < truth.length
                    ? Optional.of(new DraftTail("oracle", committed, Arrays.copyOfRange(truth, committed, Math.min(truth.length, committed + 4))))
                    : Optional.empty();
        });
        TieCheck check = new TieCheck(target);
        for (int i = 0; i < reference.size(); i++) {
            check.assertSame(reference.get(i), oracle.get(i), specs.get(i / 2));
        }
        long proposed = oracle.stream().mapToLong(r -> r.drafters().getOrDefault("oracle", DrafterStats.NONE).proposed()).sum();
        long accepted = oracle.stream().mapToLong(r -> r.drafters().getOrDefault("oracle", DrafterStats.NONE).accepted()).sum();
        long plainSteps = reference.stream().mapToLong(CompletedRollout::verifySteps).sum();
        long oracleSteps = oracle.stream().mapToLong(CompletedRollout::verifySteps).sum();
        assertTrue(proposed > 0, "the oracle tails were never verified");
        assertEquals(proposed, accepted, "a tail cut from the target's own rollout is accepted in full");
        assertTrue(oracleSteps < plainSteps, "accepted drafts save verify steps: " + oracleSteps + " vs " + plainSteps);
    }

    private static void assertIgnored(BiFunction<SequenceKey, Integer, Optional<DraftTail>> hints) {
        List<CompletedRollout> hinted = run(hints);
        assertEquals(reference, hinted);
        assertTrue(hinted.stream().allMatch(r -> r.drafters().isEmpty()), "an unusable tail was credited");
    }

    private static int[] truth(SequenceKey key) {
        return reference.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow().responseIds();
    }

    /** Runs the specs, offering {@code hints(key, committed length)} as each sequence's draft every step. */
    private static List<CompletedRollout> run(BiFunction<SequenceKey, Integer, Optional<DraftTail>> hints) {
        Map<SequenceKey, Integer> committed = new HashMap<>();
        List<CompletedRollout> done = new ArrayList<>();
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(4))) {
            specs.forEach(engine::submit);
            while (engine.hasWork()) {
                // a sequence's first token is reported with the step after its admission: no hint before that
                for (StepOutcome outcome : engine.step(key -> committed.containsKey(key)
                        ? hints.apply(key, committed.get(key)) : Optional.empty())) {
                    committed.put(outcome.key(), outcome.startPosition() + outcome.tokens().length);
                }
                done.addAll(engine.takeFinished());
            }
        }
        return RolloutOrder.sort(done, specs);
    }
}
