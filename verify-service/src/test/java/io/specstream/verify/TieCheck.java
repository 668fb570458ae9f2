package io.specstream.verify;

import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.CounterRng;
import io.specstream.inference.sampling.NoiseKey;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.sampling.TokenSampler;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares a rollout against a reference token for token (log-probs within 1e-5 relative). Where the tokens first differ,
 * the reference target's decision at that position must have been a near-tie (DESIGN invariant 1): the gap between
 * its two best candidates below 1e-4, in logit units. For greedy that is the top-2 logit gap; for sampling the
 * top-2 gap of the Gumbel-perturbed scores (logit / T + g) among the tokens top-k/top-p keep, times T. Counts the ties it accepted.
 */
public final class TieCheck {

    public static final double LOG_PROB_TOLERANCE = 1e-5;
    public static final double TIE_GAP = 1e-4;

    private final DecoderSession target;
    private int ties;
    private int comparedTokens;

    public TieCheck(DecoderSession target) {
        this.target = target;
    }

    public int ties() {
        return ties;
    }

    public int comparedTokens() {
        return comparedTokens;
    }

    public void assertSame(CompletedRollout reference, CompletedRollout actual, RolloutSpec spec) {
        String what = reference.key() + " " + spec.sampling();
        int[] expected = reference.responseIds();
        int[] got = actual.responseIds();
        double[] expectedRaw = reference.rawLogProbs();
        double[] gotRaw = actual.rawLogProbs();
        double[] expectedSampling = reference.samplingLogProbs();
        double[] gotSampling = actual.samplingLogProbs();
        int common = Math.min(expected.length, got.length);
        for (int i = 0; i < common; i++) {
            if (expected[i] != got[i]) {
                double gap = decisionGap(spec, reference.sampleIndex(), Arrays.copyOf(expected, i));
                assertTrue(gap < TIE_GAP, what + ": token " + i + " differs (" + expected[i] + " vs " + got[i]
                        + ") but the target's top-2 gap there is " + gap + ", not a near-tie");
                ties++;
                comparedTokens += i;
                return;
            }
            assertEquals(expectedRaw[i], gotRaw[i], tolerance(expectedRaw[i]), what + ": raw log-prob of token " + i);
            assertEquals(expectedSampling[i], gotSampling[i], tolerance(expectedSampling[i]),
                    what + ": sampling log-prob of token " + i);
        }
        comparedTokens += common;
        assertEquals(expected.length, got.length, what + ": response length");
        assertEquals(reference.finishReason(), actual.finishReason(), what + ": finish reason");
        assertEquals(reference.responseText(), actual.responseText(), what + ": response text");
    }

    /**
     * 1e-5, relative to the log-prob's size as {@link io.specstream.verify.service.PlainReference} has it: batches of
     * other widths round the float32 logits differently (-1.8115850 against -1.8115969, 1.2e-5, at T = 1 in a
     * decoupled run), while the tokens stay exact.
     */
    private static double tolerance(double logProb) {
        return LOG_PROB_TOLERANCE * (1 + Math.abs(logProb));
    }

    /** The reference target's gap between its two best candidates for the token after {@code response}. */
    private double decisionGap(RolloutSpec spec, int sampleIndex, int[] response) {
        int[] prompt = spec.promptIds();
        int[] context = Arrays.copyOf(prompt, prompt.length + response.length);
        System.arraycopy(response, 0, context, prompt.length, response.length);
        float[] logits;
        try (BatchedDecoder decoder = new BatchedDecoder(target)) {
            logits = decoder.addGroup(context, 1).lastLogits();
        }
        SamplingParams params = spec.sampling();
        double temperature = params.isGreedy() ? 1 : params.temperature();
        NoiseKey key = NoiseKey.of(spec.seed(), spec.requestId(), sampleIndex, context.length);
        double best = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        TokenSampler sampler = new TokenSampler();
        for (int v = 0; v < logits.length; v++) {
            if (!params.isGreedy() && sampler.samplingLogProb(logits, params, v) == Double.NEGATIVE_INFINITY) {
                continue; // outside top-k / top-p: never a candidate
            }
            double score = params.isGreedy() ? logits[v] : logits[v] / temperature + CounterRng.gumbel(key, v);
            if (score > best) {
                second = best;
                best = score;
            } else if (score > second) {
                second = score;
            }
        }
        return (best - second) * temperature;
    }
}
