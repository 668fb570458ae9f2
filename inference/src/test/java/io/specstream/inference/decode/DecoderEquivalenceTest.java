package io.specstream.inference.decode;

import io.specstream.inference.TestModels;
import io.specstream.inference.runtime.DecoderSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The batched decoder computes what a plain one-sequence forward pass computes, however work is split. */
class DecoderEquivalenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final int[] PROMPT = {85, 62, 441, 343, 462, 301, 318, 444, 310, 301, 443, 350};
    private static final int[] OTHER_PROMPT = {85, 62, 470, 268, 310, 262, 537, 50, 14, 264, 273, 62, 537, 268, 310, 262, 562};
    private static final int[] SHORT_PROMPT = {85, 62, 495};

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
    void prefillOfNTokensEqualsPrefillOfNMinusOneThenOneStep() {
        try (BatchedDecoder whole = new BatchedDecoder(session); BatchedDecoder split = new BatchedDecoder(session)) {
            float[] expected = whole.addGroup(PROMPT, 1).lastLogits();
            SequenceId id = split.addGroup(Arrays.copyOf(PROMPT, PROMPT.length - 1), 1).sequences().get(0);
            float[] actual = split.step(List.of(StepRequest.of(id, PROMPT[PROMPT.length - 1]))).logits(id).row(0);
            assertClose(expected, actual);
        }
    }

    @Test
    void aPromptLongerThanOnePrefillChunkEqualsItsPrefixThenOneStep() {
        int[] longPrompt = new int[BatchedDecoder.PREFILL_CHUNK + 44];
        for (int i = 0; i < longPrompt.length; i++) {
            longPrompt[i] = PROMPT[i % PROMPT.length];
        }
        try (BatchedDecoder whole = new BatchedDecoder(session); BatchedDecoder split = new BatchedDecoder(session)) {
            float[] expected = whole.addGroup(longPrompt, 1).lastLogits();
            SequenceId id = split.addGroup(Arrays.copyOf(longPrompt, longPrompt.length - 1), 1).sequences().get(0);
            float[] actual = split.step(List.of(StepRequest.of(id, longPrompt[longPrompt.length - 1]))).logits(id).row(0);
            assertClose(expected, actual);
        }
    }

    @Test
    void sequenceDecodedAloneMatchesDecodedInsideABatchOfOthersOfDifferentLengths() {
        List<float[]> alone = new ArrayList<>();
        int[] aloneTokens = greedyAlone(PROMPT, 10, alone);

        List<float[]> batched = new ArrayList<>();
        int[] batchedTokens = new int[10];
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            SequenceId other = decoder.addGroup(OTHER_PROMPT, 1).sequences().get(0);
            PrefilledGroup mine = decoder.addGroup(PROMPT, 1);
            SequenceId me = mine.sequences().get(0);
            int myNext = argmax(mine.lastLogits());
            int otherNext = 7;
            SequenceId late = null;
            for (int step = 0; step < 10; step++) {
                if (step == 3) {
                    late = decoder.addGroup(SHORT_PROMPT, 2).sequences().get(1); // joins mid-way
                }
                if (step == 6) {
                    decoder.remove(other); // leaves mid-way
                }
                List<StepRequest> requests = new ArrayList<>();
                requests.add(StepRequest.of(me, myNext));
                if (step < 6) {
                    requests.add(StepRequest.of(other, otherNext, 9, 11)); // a wider feed pads my row
                }
                if (late != null) {
                    requests.add(StepRequest.of(late, 20 + step));
                }
                StepResult result = decoder.step(requests);
                batched.add(result.logits(me).row(0));
                batchedTokens[step] = myNext;
                myNext = result.logits(me).argmax(0);
            }
        }
        assertArrayEquals(aloneTokens, batchedTokens);
        for (int i = 0; i < alone.size(); i++) {
            assertClose(alone.get(i), batched.get(i));
        }
    }

    @Test
    void everySampleForkedFromASharedPrefillContinuesLikeASeparatelyPrefilledSequence() {
        try (BatchedDecoder separate = new BatchedDecoder(session); BatchedDecoder forked = new BatchedDecoder(session)) {
            SequenceId alone = separate.addGroup(PROMPT, 1).sequences().get(0);
            float[] expected = separate.step(List.of(StepRequest.of(alone, 300, 41))).logits(alone).row(1);
            List<SequenceId> samples = forked.addGroup(PROMPT, 4).sequences();
            List<StepRequest> requests = new ArrayList<>();
            for (SequenceId sample : samples) {
                requests.add(StepRequest.of(sample, 300, 41));
            }
            StepResult result = forked.step(requests);
            for (SequenceId sample : samples) {
                assertClose(expected, result.logits(sample).row(1));
            }
        }
    }

    @Test
    void verifyingKTokensInOneStepGivesTheLogitsOfKSingleSteps() {
        int[] fed = {300, 41, 58, 77, 12};
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            List<SequenceId> pair = decoder.addGroup(PROMPT, 2).sequences();
            SequenceId verified = pair.get(0);
            SequenceId stepped = pair.get(1);
            SequenceLogits together = decoder.step(List.of(new StepRequest(verified, fed))).logits(verified);
            float[][] expected = new float[fed.length][];
            for (int i = 0; i < fed.length; i++) {
                expected[i] = together.row(i);
            }
            for (int i = 0; i < fed.length; i++) {
                float[] single = decoder.step(List.of(StepRequest.of(stepped, fed[i]))).logits(stepped).row(0);
                assertClose(expected[i], single);
            }
            assertEquals(decoder.length(verified), decoder.length(stepped));
        }
    }

    @Test
    void truncatingThenRefeedingEqualsNeverHavingFedTheRejectedTokens() {
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            List<SequenceId> pair = decoder.addGroup(PROMPT, 2).sequences();
            SequenceId speculated = pair.get(0);
            SequenceId plain = pair.get(1);
            decoder.step(List.of(StepRequest.of(speculated, 300, 41, 58, 77), StepRequest.of(plain, 300, 41)));
            decoder.truncate(speculated, PROMPT.length + 2); // 58 and 77 rejected
            StepResult result = decoder.step(List.of(StepRequest.of(speculated, 99, 5), StepRequest.of(plain, 99, 5)));
            assertClose(result.logits(plain).row(0), result.logits(speculated).row(0));
            assertClose(result.logits(plain).row(1), result.logits(speculated).row(1));
            assertEquals(PROMPT.length + 4, decoder.length(speculated));
        }
    }

    @Test
    void compactingEveryStepDoesNotChangeTheLogits() {
        CompactionPolicy always = new CompactionPolicy(0, 0.0, 0.0, 1);
        try (BatchedDecoder lazy = new BatchedDecoder(session); BatchedDecoder eager = new BatchedDecoder(session, always)) {
            for (BatchedDecoder decoder : List.of(lazy, eager)) {
                decoder.addGroup(OTHER_PROMPT, 1);
                decoder.addGroup(PROMPT, 1);
            }
            SequenceId other = new SequenceId(0);
            SequenceId me = new SequenceId(1);
            for (int step = 0; step < 4; step++) {
                int[] draft = {40 + step, 41, 42};
                StepResult a = lazy.step(List.of(new StepRequest(other, draft), StepRequest.of(me, 60 + step)));
                StepResult b = eager.step(List.of(new StepRequest(other, draft), StepRequest.of(me, 60 + step)));
                assertClose(a.logits(me).row(0), b.logits(me).row(0));
                assertClose(a.logits(other).row(2), b.logits(other).row(2));
                lazy.truncate(other, lazy.length(other) - 2);
                eager.truncate(other, eager.length(other) - 2);
            }
        }
    }

    @Test
    void aSequenceLeftUnfedLeavesTheBatchAndFedAgainGivesTheSameLogits() {
        CompactionPolicy parkAtOnce = new CompactionPolicy(32, 0.5, 0.25, 1);
        CompactionPolicy neverPark = new CompactionPolicy(32, 0.5, 0.25, Integer.MAX_VALUE);
        try (BatchedDecoder parking = new BatchedDecoder(session, parkAtOnce);
             BatchedDecoder keeping = new BatchedDecoder(session, neverPark)) {
            for (BatchedDecoder decoder : List.of(parking, keeping)) {
                decoder.addGroup(OTHER_PROMPT, 1);
                decoder.addGroup(PROMPT, 1);
            }
            SequenceId busy = new SequenceId(0);
            SequenceId waiting = new SequenceId(1);
            for (BatchedDecoder decoder : List.of(parking, keeping)) {
                decoder.step(List.of(StepRequest.of(busy, 40), StepRequest.of(waiting, 60)));
                for (int step = 0; step < 3; step++) {
                    decoder.step(List.of(StepRequest.of(busy, 41 + step)));
                }
            }
            assertEquals(1, parking.batchRows(), "the unfed sequence still runs in the batch");
            assertEquals(2, keeping.batchRows());

            StepResult a = parking.step(List.of(StepRequest.of(busy, 50), StepRequest.of(waiting, 61, 62)));
            StepResult b = keeping.step(List.of(StepRequest.of(busy, 50), StepRequest.of(waiting, 61, 62)));

            assertEquals(2, parking.batchRows(), "fed again, the sequence joins the batch");
            assertClose(b.logits(waiting).row(1), a.logits(waiting).row(1));
            assertClose(b.logits(busy).row(0), a.logits(busy).row(0));
        }
    }

    @Test
    void aPrefilledSequenceJoinsTheBatchOnlyWhenFirstFed() {
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            SequenceId fed = decoder.addGroup(PROMPT, 1).sequences().get(0);
            SequenceId queued = decoder.addGroup(OTHER_PROMPT, 1).sequences().get(0);

            decoder.step(List.of(StepRequest.of(fed, 5)));

            assertEquals(1, decoder.batchRows(), "a sequence not yet fed runs in the batch");
            decoder.step(List.of(StepRequest.of(queued, 5), StepRequest.of(fed, 6)));
            assertEquals(2, decoder.batchRows());
            assertEquals(OTHER_PROMPT.length + 1, decoder.length(queued));
        }
    }

    @Test
    void logitsOfAnEarlierStepCannotBeReadAfterTheNextStep() {
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            SequenceId id = decoder.addGroup(PROMPT, 1).sequences().get(0);
            StepResult first = decoder.step(List.of(StepRequest.of(id, 5)));
            decoder.step(List.of(StepRequest.of(id, 6)));
            IllegalStateException stale = assertThrows(IllegalStateException.class, () -> first.logits(id).row(0));
            assertTrue(stale.getMessage().contains("overwritten"), stale.getMessage());
        }
    }

    @Test
    void aTokenOutsideTheVocabularyIsRefusedNamingIt() {
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            SequenceId id = decoder.addGroup(PROMPT, 1).sequences().get(0);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> decoder.step(List.of(StepRequest.of(id, 5, 100000))));
            assertTrue(refused.getMessage().contains("100000"), refused.getMessage());
        }
    }

    @Test
    void aCacheLeftToOnnxRuntimeGivesTheSameLogitsBitForBitAsOnePinnedIntoOurBuffers() {
        try (BatchedDecoder pinned = new BatchedDecoder(session, CompactionPolicy.defaults(),
                     BatchedDecoder.DEFAULT_PROMPT_CACHE_BYTES, true);
             BatchedDecoder allocated = new BatchedDecoder(session, CompactionPolicy.defaults(),
                     BatchedDecoder.DEFAULT_PROMPT_CACHE_BYTES, false)) {
            assertEquals(joinsAndLeaves(allocated), joinsAndLeaves(pinned));
        }
    }

    /**
     * Three groups joining at different steps, one sequence leaving: every rebuild path (a join, a removal's hole)
     * reads the cache the steps before wrote. Every logit of every step, in order.
     */
    private static List<Float> joinsAndLeaves(BatchedDecoder decoder) {
        List<Float> logits = new ArrayList<>();
        List<SequenceId> running = new ArrayList<>(decoder.addGroup(PROMPT, 2).sequences());
        for (int step = 0; step < 12; step++) {
            if (step == 3) {
                running.addAll(decoder.addGroup(OTHER_PROMPT, 1).sequences());
            }
            if (step == 5) {
                decoder.remove(running.remove(0));
            }
            if (step == 7) {
                running.addAll(decoder.addGroup(SHORT_PROMPT, 2).sequences());
            }
            List<StepRequest> requests = new ArrayList<>();
            for (int r = 0; r < running.size(); r++) {
                requests.add(StepRequest.of(running.get(r), 10 + 17 * step + r, 11 + r));
            }
            StepResult result = decoder.step(requests);
            for (SequenceId id : running) {
                SequenceLogits rows = result.logits(id);
                for (int t = 0; t < rows.count(); t++) {
                    for (float logit : rows.row(t)) {
                        logits.add(logit);
                    }
                }
            }
        }
        return logits;
    }

    private static int[] greedyAlone(int[] prompt, int steps, List<float[]> logits) {
        int[] tokens = new int[steps];
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            PrefilledGroup group = decoder.addGroup(prompt, 1);
            SequenceId id = group.sequences().get(0);
            int next = argmax(group.lastLogits());
            for (int step = 0; step < steps; step++) {
                SequenceLogits result = decoder.step(List.of(StepRequest.of(id, next))).logits(id);
                logits.add(result.row(0));
                tokens[step] = next;
                next = result.argmax(0);
            }
        }
        return tokens;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, "largest logit difference " + worst + " exceeds " + TOLERANCE);
    }
}
