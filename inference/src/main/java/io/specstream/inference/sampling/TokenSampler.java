package io.specstream.inference.sampling;

import java.util.Arrays;

/**
 * Picks tokens with Gumbel-max: argmax over the kept tokens of logits / temperature + Gumbel(key, token).
 * That draws exactly from the renormalized softmax of the kept tokens, and because the noise of each vocabulary
 * entry is a pure function of the {@link NoiseKey}, the same logits and key give the same token in any batch,
 * step split or speculation pattern — and a draft model using the same key guesses the target's token as often
 * as the two distributions allow.
 */
public final class TokenSampler {

    public SampledToken sample(float[] logits, SamplingParams params, NoiseKey key) {
        if (params.isGreedy()) {
            int token = argmax(logits);
            return new SampledToken(token, LogProbs.raw(logits, token), 0.0);
        }
        int[] kept = keptTokens(logits, params);
        double temperature = params.temperature();
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int token : kept) {
            double score = logits[token] / temperature + CounterRng.gumbel(key, token);
            if (score > bestScore) {
                bestScore = score;
                best = token;
            }
        }
        return new SampledToken(best, LogProbs.raw(logits, best), samplingLogProb(logits, params, kept, best));
    }

    /**
     * Log-probability of {@code token} under the distribution {@code params} samples from (see {@link SampledToken});
     * negative infinity when top-k/top-p exclude it.
     */
    public double samplingLogProb(float[] logits, SamplingParams params, int token) {
        if (params.isGreedy()) {
            return token == argmax(logits) ? 0.0 : Double.NEGATIVE_INFINITY;
        }
        return samplingLogProb(logits, params, keptTokens(logits, params), token);
    }

    /** Greedy choice; the lowest id wins a tie. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[best]) {
                best = v;
            }
        }
        return best;
    }

    private static double samplingLogProb(float[] logits, SamplingParams params, int[] kept, int token) {
        double temperature = params.temperature();
        double max = Double.NEGATIVE_INFINITY;
        boolean isKept = false;
        for (int t : kept) {
            max = Math.max(max, logits[t] / temperature);
            isKept |= t == token;
        }
        if (!isKept) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (int t : kept) {
            sum += Math.exp(logits[t] / temperature - max);
        }
        return logits[token] / temperature - max - Math.log(sum);
    }

    /** Token ids that survive top-k then top-p (in descending logit order when any filter applies). */
    private static int[] keptTokens(float[] logits, SamplingParams params) {
        int vocab = logits.length;
        boolean topK = params.topK() > 0 && params.topK() < vocab;
        boolean topP = params.topP() < 1.0;
        if (!topK && !topP) {
            int[] all = new int[vocab];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] order = descendingOrder(logits);
        int keep = topK ? params.topK() : vocab;
        if (topP) {
            double temperature = params.temperature();
            double max = logits[order[0]] / temperature;
            double total = 0;
            for (int i = 0; i < keep; i++) {
                total += Math.exp(logits[order[i]] / temperature - max);
            }
            double cumulative = 0;
            int i = 0;
            while (i < keep) {
                cumulative += Math.exp(logits[order[i]] / temperature - max) / total;
                i++;
                if (cumulative >= params.topP()) {
                    break;
                }
            }
            keep = i;
        }
        return Arrays.copyOf(order, keep);
    }

    /** Indices sorted by logit, largest first, lower id first among equals; sorts packed longs to avoid boxing. */
    private static int[] descendingOrder(float[] logits) {
        long[] packed = new long[logits.length];
        for (int v = 0; v < logits.length; v++) {
            int bits = Float.floatToIntBits(logits[v]);
            int sortable = bits < 0 ? ~bits : bits | Integer.MIN_VALUE; // monotone unsigned order of floats
            long descending = 0xffffffffL - (sortable & 0xffffffffL);
            packed[v] = ((descending << 32) | v) ^ Long.MIN_VALUE; // signed sort == unsigned order
        }
        Arrays.sort(packed);
        int[] order = new int[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (int) packed[i];
        }
        return order;
    }
}
