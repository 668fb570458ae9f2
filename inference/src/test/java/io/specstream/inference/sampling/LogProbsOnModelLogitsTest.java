package io.specstream.inference.sampling;

import io.specstream.inference.TestModels;
import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.runtime.DecoderSession;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;

/** Both log-probs of sampled tokens equal a softmax computed independently. */
class LogProbsOnModelLogitsTest {

    private final TokenSampler sampler = new TokenSampler();

    @Test
    void rawAndSamplingLogProbsEqualAnIndependentSoftmax() {
        float[] logits;
        try (DecoderSession session = TestModels.open("draft-small"); BatchedDecoder decoder = new BatchedDecoder(session)) {
            logits = decoder.addGroup(new int[] {85, 62, 441, 343, 462}, 1).lastLogits();
        }
        SamplingParams params = new SamplingParams(0.8, 50, 1.0);
        for (int position = 0; position < 20; position++) {
            SampledToken token = sampler.sample(logits, params, NoiseKey.of(3, "lp", 0, position));
            assertEquals(naiveLogSoftmax(logits, 1.0, logits.length, token.token()), token.rawLogProb(), 1e-9);
            assertEquals(naiveLogSoftmax(logits, 0.8, 50, token.token()), token.samplingLogProb(), 1e-9);
        }
    }

    /** log of exp(x_t / T) / sum over the topK largest of exp(x / T), without max-shifting or shared code. */
    private static double naiveLogSoftmax(float[] logits, double temperature, int topK, int token) {
        float[] sorted = logits.clone();
        java.util.Arrays.sort(sorted);
        float threshold = sorted[sorted.length - topK];
        double sum = 0;
        for (float x : logits) {
            if (x >= threshold) {
                sum += Math.exp(x / temperature);
            }
        }
        return Math.log(Math.exp(logits[token] / temperature) / sum);
    }
}
