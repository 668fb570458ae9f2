package io.specstream.inference.decode;

import io.specstream.inference.TestModels;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.NoiseKey;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.sampling.TokenSampler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A sampled sequence's tokens depend only on (seed, request, sample index, position): not on which other sequences
 * share the batch, nor on how many tokens each step verified.
 */
class SeededSamplingAcrossBatchesTest {

    private static final int[] PROMPT = {85, 62, 441, 343, 462, 301, 318, 444, 310, 301};
    private static final int[] NEIGHBOUR_PROMPT = {85, 62, 537, 268, 310, 262, 562, 50, 14, 264, 265, 62};
    private static final SamplingParams PARAMS = new SamplingParams(0.9, 40, 0.95);
    private static final long SEED = 42;
    private static final int LENGTH = 16;

    private static DecoderSession session;
    private final TokenSampler sampler = new TokenSampler();

    @BeforeAll
    static void open() {
        session = TestModels.open("target");
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void samplesAreIdenticalWhetherOrNotOtherSequencesShareTheBatch() {
        assertArrayEquals(sampleOneTokenPerStep(1, false), sampleOneTokenPerStep(1, true));
    }

    @Test
    void samplesAreIdenticalWhenDraftsAreVerifiedInChunksOfSteps() {
        int[] alone = sampleOneTokenPerStep(1, false);
        assertArrayEquals(alone, sampleByVerifyingDrafts(1, alone, false));
    }

    @Test
    void samplesAreIdenticalVerifyingDraftsInABatchOfOthers() {
        int[] alone = sampleOneTokenPerStep(1, false);
        assertArrayEquals(alone, sampleByVerifyingDrafts(1, alone, true));
    }

    @Test
    void siblingsOfAGroupDrawDifferentNoise() {
        // On a flat distribution the draw is the noise alone: siblings must not share it (a trained model can be
        // confident enough that real logits hide the difference for many tokens).
        float[] flat = new float[session.vocabSize()];
        int[] first = new int[LENGTH];
        int[] second = new int[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            first[i] = draw(flat, 0, PROMPT.length + i);
            second[i] = draw(flat, 1, PROMPT.length + i);
        }
        assertFalse(Arrays.equals(first, second));
    }

    private int[] sampleOneTokenPerStep(int sampleIndex, boolean withOthers) {
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            SequenceId neighbour = decoder.addGroup(NEIGHBOUR_PROMPT, 1).sequences().get(0);
            PrefilledGroup group = decoder.addGroup(PROMPT, 2);
            SequenceId id = group.sequences().get(sampleIndex);
            SequenceId sibling = group.sequences().get(1 - sampleIndex);
            if (!withOthers) {
                decoder.remove(neighbour);
                decoder.remove(sibling);
            }
            int[] out = new int[LENGTH];
            out[0] = draw(group.lastLogits(), sampleIndex, PROMPT.length);
            for (int i = 1; i < LENGTH; i++) {
                List<StepRequest> requests = new ArrayList<>(List.of(StepRequest.of(id, out[i - 1])));
                if (withOthers) {
                    requests.add(StepRequest.of(neighbour, 17, 18, 19));
                    requests.add(StepRequest.of(sibling, 23));
                }
                float[] logits = decoder.step(requests).logits(id).row(0);
                out[i] = draw(logits, sampleIndex, PROMPT.length + i);
            }
            return out;
        }
    }

    /**
     * Drafts are the expected tokens with every third one corrupted, so steps accept several tokens, reject some
     * and truncate; with {@code withOthers}, two other sequences of other lengths share the batch.
     */
    private int[] sampleByVerifyingDrafts(int sampleIndex, int[] expected, boolean withOthers) {
        try (BatchedDecoder decoder = new BatchedDecoder(session)) {
            SequenceId neighbour = decoder.addGroup(NEIGHBOUR_PROMPT, 1).sequences().get(0);
            PrefilledGroup group = decoder.addGroup(PROMPT, 2);
            SequenceId id = group.sequences().get(sampleIndex);
            SequenceId sibling = group.sequences().get(1 - sampleIndex);
            if (!withOthers) {
                decoder.remove(neighbour);
                decoder.remove(sibling);
            }
            List<Integer> out = new ArrayList<>();
            out.add(draw(group.lastLogits(), sampleIndex, PROMPT.length));
            while (out.size() < LENGTH) {
                int last = out.get(out.size() - 1);
                int k = Math.min(3, LENGTH - out.size());
                int[] feed = new int[1 + k];
                feed[0] = last;
                for (int j = 1; j <= k; j++) {
                    int truth = expected[out.size() - 1 + j];
                    feed[j] = (out.size() + j) % 3 == 0 ? (truth + 1) % session.vocabSize() : truth;
                }
                List<StepRequest> requests = new ArrayList<>(List.of(new StepRequest(id, feed)));
                if (withOthers) {
                    requests.add(StepRequest.of(neighbour, 17));
                    requests.add(StepRequest.of(sibling, 23, 24));
                }
                StepResult result = decoder.step(requests);
                SequenceLogits logits = result.logits(id);
                int lengthBefore = decoder.length(id) - feed.length;
                int accepted = 0;
                for (int row = 0; row < feed.length && out.size() < LENGTH; row++) {
                    int token = draw(logits.row(row), sampleIndex, PROMPT.length + out.size());
                    out.add(token);
                    if (row + 1 >= feed.length || feed[row + 1] != token) {
                        break;
                    }
                    accepted++;
                }
                // keep the cache of the last fed token and every accepted draft token; the rest is rejected
                decoder.truncate(id, lengthBefore + 1 + accepted);
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private int draw(float[] logits, int sampleIndex, int position) {
        return sampler.sample(logits, PARAMS, NoiseKey.of(SEED, "request-7", sampleIndex, position)).token();
    }
}
