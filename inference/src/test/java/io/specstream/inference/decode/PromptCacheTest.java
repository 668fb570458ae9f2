package io.specstream.inference.decode;

import io.specstream.inference.TestModels;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.TokenSampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A prompt prefilled before joins from the kept cache, and decodes exactly as if it had been prefilled again. */
class PromptCacheTest {

    private static final int[] PROMPT = {85, 62, 441, 343, 462, 301, 318, 444, 310, 301, 443, 350};
    private static final int[] OTHER_PROMPT = {85, 62, 470, 268, 310, 262, 537, 50, 14, 264, 273, 62, 537, 268, 310, 262, 562};
    private static final int[] SHORT_PROMPT = {85, 62, 495};
    private static final int STEPS = 4;

    private static DecoderSession session;

    @BeforeAll
    static void open() {
        session = TestModels.open("target");
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void aPromptSeenAgainJoinsFromTheKeptCacheWithTheLogitsOfAFreshPrefillBitForBit() {
        try (BatchedDecoder keeping = new BatchedDecoder(session, CompactionPolicy.defaults(),
                BatchedDecoder.DEFAULT_PROMPT_CACHE_BYTES);
             BatchedDecoder prefilling = new BatchedDecoder(session, CompactionPolicy.defaults(), 0)) {
            List<float[]> reused = sameRequestTwice(keeping);
            List<float[]> computed = sameRequestTwice(prefilling);

            assertEquals(1, keeping.promptsReused(), "the second request's prompt came from the kept cache");
            assertEquals(0, prefilling.promptsReused(), "a budget of 0 keeps nothing");
            assertEquals(computed.size(), reused.size());
            for (int i = 0; i < computed.size(); i++) {
                assertArrayEquals(computed.get(i), reused.get(i), "logits " + i);
            }
        }
    }

    @Test
    void theLeastRecentlyUsedPromptMakesRoomOnceTheBudgetIsFull() {
        long budget = (PROMPT.length + OTHER_PROMPT.length) * session.cacheLayout().bytesPerToken();
        try (BatchedDecoder decoder = new BatchedDecoder(session, CompactionPolicy.defaults(), budget)) {
            decoder.addGroup(PROMPT, 1);
            decoder.addGroup(OTHER_PROMPT, 1);
            decoder.addGroup(PROMPT, 1);
            assertEquals(1, decoder.promptsReused(), "both fit: the prompt is found");

            decoder.addGroup(SHORT_PROMPT, 1); // 12 + 17 + 3 tokens: OTHER_PROMPT, the least recently used, leaves
            decoder.addGroup(OTHER_PROMPT, 1); // computed again; makes room by evicting PROMPT
            assertEquals(1, decoder.promptsReused());

            decoder.addGroup(SHORT_PROMPT, 1);
            assertEquals(2, decoder.promptsReused(), "the short prompt stayed");
            decoder.addGroup(PROMPT, 1);
            assertEquals(2, decoder.promptsReused(), "PROMPT was evicted");
        }
    }

    @Test
    void anEvictedPromptStillServesTheSequencesWaitingToJoinTheBatch() {
        // room for OTHER_PROMPT alone: its arrival evicts PROMPT, whose sequence has not joined the batch yet
        long onePrompt = OTHER_PROMPT.length * session.cacheLayout().bytesPerToken();
        try (BatchedDecoder evicting = new BatchedDecoder(session, CompactionPolicy.defaults(), onePrompt);
             BatchedDecoder prefilling = new BatchedDecoder(session, CompactionPolicy.defaults(), 0)) {
            float[] evicted = firstStepAfterAnotherPromptArrived(evicting);
            float[] expected = firstStepAfterAnotherPromptArrived(prefilling);

            assertArrayEquals(expected, evicted);
        }
    }

    @Test
    void aNegativeBudgetIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new BatchedDecoder(session, CompactionPolicy.defaults(), -1));
        assertTrue(refused.getMessage().contains(">= 0 bytes"), refused.getMessage());
    }

    /**
     * A request of PROMPT decoded greedily for a few steps, then a second request of the same prompt joining while
     * the first runs on: every logits row of both, in order.
     */
    private static List<float[]> sameRequestTwice(BatchedDecoder decoder) {
        List<float[]> logits = new ArrayList<>();
        PrefilledGroup first = decoder.addGroup(PROMPT, 1);
        logits.add(first.lastLogits());
        SequenceId a = first.sequences().get(0);
        int nextA = TokenSampler.argmax(first.lastLogits());
        for (int step = 0; step < STEPS; step++) {
            float[] row = decoder.step(List.of(StepRequest.of(a, nextA))).logits(a).row(0);
            logits.add(row);
            nextA = TokenSampler.argmax(row);
        }
        PrefilledGroup second = decoder.addGroup(PROMPT, 2);
        logits.add(second.lastLogits());
        SequenceId b = second.sequences().get(1);
        int nextB = TokenSampler.argmax(second.lastLogits());
        for (int step = 0; step < STEPS; step++) {
            StepResult result = decoder.step(List.of(StepRequest.of(a, nextA), StepRequest.of(b, nextB)));
            float[] rowA = result.logits(a).row(0);
            float[] rowB = result.logits(b).row(0);
            logits.add(rowA);
            logits.add(rowB);
            nextA = TokenSampler.argmax(rowA);
            nextB = TokenSampler.argmax(rowB);
        }
        return logits;
    }

    /** PROMPT's sequence, not fed yet, while OTHER_PROMPT arrives; then its first step. */
    private static float[] firstStepAfterAnotherPromptArrived(BatchedDecoder decoder) {
        PrefilledGroup waiting = decoder.addGroup(PROMPT, 1);
        decoder.addGroup(OTHER_PROMPT, 1);
        SequenceId id = waiting.sequences().get(0);
        return decoder.step(List.of(StepRequest.of(id, TokenSampler.argmax(waiting.lastLogits())))).logits(id).row(0);
    }
}
