package io.specstream.inference.sampling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenSamplerTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, -1.0f, 0.5f};
    private final TokenSampler sampler = new TokenSampler();

    @Test
    void greedyPicksTheLargestLogitWithSamplingLogProbZero() {
        SampledToken token = sampler.sample(LOGITS, SamplingParams.greedy(), NoiseKey.of(1, "r", 0, 0));
        assertEquals(1, token.token());
        assertEquals(0.0, token.samplingLogProb());
    }

    @Test
    void theSameKeyAlwaysDrawsTheSameToken() {
        SamplingParams params = SamplingParams.temperature(1.0);
        for (int position = 0; position < 50; position++) {
            NoiseKey key = NoiseKey.of(9, "req", 3, position);
            assertEquals(sampler.sample(LOGITS, params, key).token(), sampler.sample(LOGITS, params, key).token());
        }
    }

    @Test
    void drawsFollowTheTemperatureScaledSoftmax() {
        double temperature = 0.7;
        int draws = 40_000;
        int[] counts = new int[LOGITS.length];
        for (int position = 0; position < draws; position++) {
            counts[sampler.sample(LOGITS, SamplingParams.temperature(temperature), NoiseKey.of(5, "freq", 0, position)).token()]++;
        }
        double logZ = LogProbs.logSumExp(LOGITS, temperature);
        for (int v = 0; v < LOGITS.length; v++) {
            double expected = Math.exp(LOGITS[v] / temperature - logZ);
            // 40k draws: standard error <= 0.0025, so 0.01 is four of them
            assertEquals(expected, counts[v] / (double) draws, 0.01, "frequency of token " + v);
        }
    }

    @Test
    void topKNeverDrawsATokenOutsideTheKLargest() {
        Set<Integer> seen = new HashSet<>();
        for (int position = 0; position < 2000; position++) {
            seen.add(sampler.sample(LOGITS, new SamplingParams(5.0, 2, 1.0), NoiseKey.of(1, "k", 0, position)).token());
        }
        assertEquals(Set.of(1, 2), seen);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // at T=1 the probabilities are about 0.64, 0.24, 0.09, ...: p=0.8 keeps tokens 1 and 2 only
        Set<Integer> seen = new HashSet<>();
        for (int position = 0; position < 2000; position++) {
            seen.add(sampler.sample(LOGITS, new SamplingParams(1.0, 0, 0.8), NoiseKey.of(1, "p", 0, position)).token());
        }
        assertEquals(Set.of(1, 2), seen);
    }

    @Test
    void samplingLogProbIsRenormalizedOverTheKeptTokens() {
        SamplingParams params = new SamplingParams(0.5, 2, 1.0);
        double z1 = 3.0 / 0.5;
        double z2 = 2.0 / 0.5;
        double expected = z2 - Math.log(Math.exp(z1) + Math.exp(z2));
        assertEquals(expected, sampler.samplingLogProb(LOGITS, params, 2), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, sampler.samplingLogProb(LOGITS, params, 0));
    }

    @Test
    void differentSampleIndicesGetDifferentNoise() {
        NoiseKey a = NoiseKey.of(1, "req", 0, 10);
        NoiseKey b = NoiseKey.of(1, "req", 1, 10);
        assertNotEquals(CounterRng.uniform(a, 4), CounterRng.uniform(b, 4));
    }

    @Test
    void invalidParametersAreRefusedNamingTheAllowedValues() {
        IllegalArgumentException topP = assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, 0, 0));
        assertTrue(topP.getMessage().contains("top_p") && topP.getMessage().contains("(0, 1]"), topP.getMessage());
        IllegalArgumentException temperature = assertThrows(IllegalArgumentException.class, () -> new SamplingParams(-1, 0, 1));
        assertTrue(temperature.getMessage().contains("temperature"), temperature.getMessage());
    }

    @Test
    void everyDrawIsTheDefinitionsTokenWithItsLogProbsBitForBit() {
        for (SamplingParams params : List.of(SamplingParams.temperature(1.0), SamplingParams.temperature(0.6),
                SamplingParams.temperature(1.7), new SamplingParams(1.0, 40, 1.0), new SamplingParams(0.8, 0, 0.9))) {
            for (float[] logits : vocabularyRows()) {
                for (int position = 0; position < 40; position++) {
                    NoiseKey key = NoiseKey.of(11, "definition", position % 4, position);
                    SampledToken drawn = sampler.sample(logits, params, key);
                    int expected = definitionsToken(logits, params, key);
                    assertEquals(expected, drawn.token(), params + " at position " + position);
                    assertEquals(LogProbs.raw(logits, expected), drawn.rawLogProb(), 0.0);
                    assertEquals(sampler.samplingLogProb(logits, params, expected), drawn.samplingLogProb(), 0.0);
                }
            }
        }
    }

    @Test
    void theTokenAloneIsTheTokenOfTheFullDraw() {
        for (SamplingParams params : List.of(SamplingParams.greedy(), SamplingParams.temperature(1.0),
                new SamplingParams(0.7, 20, 0.95))) {
            for (float[] logits : vocabularyRows()) {
                for (int position = 0; position < 40; position++) {
                    NoiseKey key = NoiseKey.of(3, "alone", 0, position);
                    assertEquals(sampler.sample(logits, params, key).token(), sampler.token(logits, params, key));
                }
            }
        }
    }

    @Test
    void theNoiseOfAKeyIsOneChainOfSplitMixFinalizersOverItsFieldsAndTheToken() {
        NoiseKey key = NoiseKey.of(77, "chain", 2, 31);
        for (int token : new int[] {0, 1, 500, 767}) {
            long h = CounterRng.mix(key.seed() ^ 0x5851f42d4c957f2dL);
            h = CounterRng.mix(h ^ key.requestKey());
            h = CounterRng.mix(h ^ key.sampleIndex());
            h = CounterRng.mix(h ^ ((long) key.position() << 32));
            h = CounterRng.mix(h ^ token);
            double expected = ((h >>> 11) + 0.5) * 0x1.0p-53;
            assertEquals(expected, CounterRng.uniform(key, token), 0.0);
            assertEquals(-Math.log(-Math.log(expected)), CounterRng.gumbel(key, token), 0.0);
        }
    }

    @Test
    void aTieOfScoresGoesToTheEarlierToken() {
        float[] flat = new float[768]; // every logit equal: the noise alone decides, no token can be pruned
        for (int position = 0; position < 200; position++) {
            NoiseKey key = NoiseKey.of(5, "flat", 0, position);
            assertEquals(definitionsToken(flat, SamplingParams.temperature(1.0), key),
                    sampler.sample(flat, SamplingParams.temperature(1.0), key).token());
        }
    }

    /** The definition, scanned plainly: argmax over the kept tokens, in kept order, of z + Gumbel noise. */
    private int definitionsToken(float[] logits, SamplingParams params, NoiseKey key) {
        List<Integer> kept = new ArrayList<>();
        for (int v = 0; v < logits.length; v++) {
            if (sampler.samplingLogProb(logits, params, v) != Double.NEGATIVE_INFINITY) {
                kept.add(v);
            }
        }
        boolean filtered = kept.size() < logits.length;
        if (filtered) { // filters keep their tokens in descending logit order, the lower id first among equals
            kept.sort(Comparator.comparingDouble((Integer v) -> -logits[v]).thenComparingInt(v -> v));
        }
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int token : kept) {
            double score = logits[token] / params.temperature() + CounterRng.gumbel(key, token);
            if (score > bestScore) {
                bestScore = score;
                best = token;
            }
        }
        return best;
    }

    /** Rows shaped like a model's over a 768-token vocabulary: peaked, flat-ish, and with tied leaders. */
    private static List<float[]> vocabularyRows() {
        Random random = new Random(42);
        List<float[]> rows = new ArrayList<>();
        for (double spread : new double[] {0.3, 3.0, 9.0}) {
            float[] row = new float[768];
            for (int v = 0; v < row.length; v++) {
                row[v] = (float) (random.nextGaussian() * spread);
            }
            rows.add(row);
        }
        float[] tiedLeaders = rows.get(1).clone();
        tiedLeaders[17] = 30f;
        tiedLeaders[400] = 30f;
        rows.add(tiedLeaders);
        return rows;
    }
}
