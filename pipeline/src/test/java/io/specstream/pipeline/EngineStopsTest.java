package io.specstream.pipeline;

import io.specstream.verify.CompletedRollout;
import io.specstream.verify.CoupledRollouts;
import io.specstream.verify.DrafterStats;
import io.specstream.verify.FinishReason;
import io.specstream.verify.Models;
import io.specstream.verify.PlainRollouts;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.VerifyEngine;

import io.specstream.contract.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stops inside the engine, with and without speculation. The speculative runs draft with a second target session,
 * whose drafts are accepted, so a stop usually falls inside a run of accepted tokens: the tokens after it must
 * not enter the response.
 */
class EngineStopsTest {

    private static final int K = 4;
    private static DecoderSession target;
    private static DecoderSession selfDraft;
    private static TextTokenizer tokenizer;
    private static RolloutSpec base;
    private static CompletedRollout reference;

    @BeforeAll
    static void open() {
        target = Models.open("target");
        selfDraft = Models.open("target");
        tokenizer = Models.tokenizer();
        // the reference must run to max tokens, so every stop below lands strictly inside it: take the first shipped
        // prompt whose greedy rollout is longer than 40 tokens
        for (String prompt : Models.prompts(16)) {
            base = RolloutSpec.greedy("stops", Models.prompt(tokenizer, prompt), 1, 40);
            reference = plain(base);
            if (reference.finishReason() == FinishReason.MAX_TOKENS) {
                break;
            }
        }
        assertEquals(FinishReason.MAX_TOKENS, reference.finishReason(), "no shipped prompt runs to 40 tokens");
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        selfDraft.close();
        target.close();
    }

    @Test
    void aStopTokenEndsTheResponseAtItsFirstOccurrenceKeepingIt() {
        int[] truth = reference.responseIds();
        int stop = truth[9];
        int first = firstIndexOf(truth, stop);
        RolloutSpec spec = base.withStops(new int[] {stop}, List.of());
        for (CompletedRollout rollout : List.of(plain(spec), speculative(spec))) {
            assertEquals(FinishReason.STOP_TOKEN, rollout.finishReason());
            assertArrayEquals(Arrays.copyOf(truth, first + 1), rollout.responseIds());
        }
    }

    @Test
    void aStopStringEndsTheResponseAtTheFirstTokenCompletingIt() {
        int[] truth = reference.responseIds();
        String stop = tokenizer.decode(Arrays.copyOf(truth, 14));
        stop = stop.substring(stop.length() - 3);
        int first = 1;
        while (!tokenizer.decode(Arrays.copyOf(truth, first)).contains(stop)) {
            first++;
        }
        RolloutSpec spec = base.withStops(new int[0], List.of(stop));
        for (CompletedRollout rollout : List.of(plain(spec), speculative(spec))) {
            assertEquals(FinishReason.STOP_STRING, rollout.finishReason());
            assertArrayEquals(Arrays.copyOf(truth, first), rollout.responseIds());
            assertTrue(rollout.responseText().contains(stop));
        }
    }

    @Test
    void maxNewTokensEndsTheResponseWithExactlyThatManyTokens() {
        RolloutSpec spec = RolloutSpec.greedy("stops", base.promptIds(), 1, 13);
        for (CompletedRollout rollout : List.of(plain(spec), speculative(spec))) {
            assertEquals(FinishReason.MAX_TOKENS, rollout.finishReason());
            assertArrayEquals(Arrays.copyOf(reference.responseIds(), 13), rollout.responseIds());
        }
    }

    @Test
    void aResponseReachingTheContextEndFinishesWithContextFull() {
        int[] prompt = base.promptIds();
        int context = target.config().maxPositionEmbeddings();
        int[] longPrompt = new int[context - 7];
        for (int i = 0; i < longPrompt.length; i++) {
            longPrompt[i] = prompt[i % prompt.length];
        }
        RolloutSpec spec = RolloutSpec.greedy("context", longPrompt, 2, 64);
        CompletedRollout plain = plain(spec);
        CompletedRollout speculative = speculative(spec);
        assertEquals(FinishReason.CONTEXT_FULL, plain.finishReason(), Arrays.toString(plain.responseIds()));
        assertEquals(7, plain.responseTokens());
        assertArrayEquals(plain.responseIds(), speculative.responseIds());
        assertEquals(FinishReason.CONTEXT_FULL, speculative.finishReason());
    }

    private static int firstIndexOf(int[] tokens, int token) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == token) {
                return i;
            }
        }
        throw new AssertionError(token + " not in " + Arrays.toString(tokens));
    }

    private static CompletedRollout plain(RolloutSpec spec) {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(K))) {
            return new PlainRollouts(engine).run(List.of(spec)).get(0);
        }
    }

    private static CompletedRollout speculative(RolloutSpec spec) {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(K));
             Drafter drafter = ModelDrafter.withWindowFor("self", selfDraft, K)) {
            CompletedRollout rollout = new CoupledRollouts(engine, drafter, K).run(List.of(spec)).get(0);
            assertTrue(rollout.drafters().getOrDefault("self", DrafterStats.NONE).accepted() > 0 || rollout.responseTokens() < 3,
                    "the self-drafter's tokens should be accepted: " + rollout);
            return rollout;
        }
    }
}
