package io.specstream.inference.sampling;

import java.util.Arrays;

/**
 * Picks tokens with Gumbel-max: argmax over the kept tokens of logits / temperature + Gumbel(key, token).
 * That draws exactly from the renormalized softmax of the kept tokens, and because the noise of each vocabulary
 * entry is a pure function of the {@link NoiseKey}, the same logits and key give the same token in any batch,
 * step split or speculation pattern — and a draft model using the same key guesses the target's token as often
 * as the two distributions allow.
 *
 * <p>Why a draw takes no logarithm for most tokens: the token with the largest logit ("leader") is scored first,
 * and its score S bounds the winner's from below. Another token t can only beat S if its noise exceeds S − z_t
 * (z = logit / temperature), i.e. if −log u_t &lt; w_t = exp(z_t − S); as −log u ≥ 1 − u, a token with
 * 1 − u_t ≥ w_t cannot, and its logarithms are never taken. The test uses the power of two just above w_t (an
 * exponent, no {@code exp}), so a drafter's draw costs a hash and a few multiplications per token. Example at
 * vocabulary 768, temperature 1: the leader's noise is 0.3, a token 4 nats below it has w = e^-4.3 ≈ 0.014 ≤ 2^-6
 * and is scored only when its u lies within 1/64 of 1 — on 1.6 % of keys; about three tokens a draw are scored.
 * Survivors are scored with the very formula of the definition and ties go to the earlier kept token as in a plain
 * scan, so the token is the definition's bit for bit: the bound exceeds w_t by a factor of at least 1 + 6e-7, far
 * above the rounding of the scores (about 1e-14).
 */
public final class TokenSampler {

    /** Below this, z − S gives w = exp(z − S) under 2^-54, the least 1 − u can be: the token is out at once. */
    private static final double HOPELESS = -40;
    private static final double LOG2_E = 1.4426950408889634;
    /** Added to the bound's exponent: 2^(1e-6) = 1 + 6.9e-7 of headroom over w, whatever the rounding. */
    private static final double BOUND_HEADROOM = 1e-6;

    public SampledToken sample(float[] logits, SamplingParams params, NoiseKey key) {
        if (params.isGreedy()) {
            int token = argmax(logits);
            return new SampledToken(token, LogProbs.raw(logits, token), 0.0);
        }
        int[] kept = keptTokens(logits, params);
        double temperature = params.temperature();
        Draw draw = draw(logits, temperature, kept, key, true);
        int token = draw.token();
        double logSum = Math.log(draw.sum());
        // at temperature 1 with nothing filtered the draw's sum is the raw softmax's, summed in the same order
        double raw = kept == null && temperature == 1.0
                ? logits[token] - (draw.max() + logSum)
                : LogProbs.raw(logits, token);
        return new SampledToken(token, raw, logits[token] / temperature - draw.max() - logSum);
    }

    /**
     * The token {@link #sample} picks, without its log-probabilities: what a drafter needs (greedy is one argmax,
     * with no softmax over the vocabulary at all).
     */
    public int token(float[] logits, SamplingParams params, NoiseKey key) {
        if (params.isGreedy()) {
            return argmax(logits);
        }
        return draw(logits, params.temperature(), keptTokens(logits, params), key, false).token();
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
        if (kept != null && !contains(kept, token)) {
            return Double.NEGATIVE_INFINITY;
        }
        double temperature = params.temperature();
        int n = keptCount(logits, kept);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[tokenAt(kept, i)] / temperature);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[tokenAt(kept, i)] / temperature - max);
        }
        return logits[token] / temperature - max - Math.log(sum);
    }

    /**
     * Gumbel-max over {@code kept} (null: the whole vocabulary, in id order) and, {@code withSum}, the scaled
     * softmax's max and sum over the same tokens in the same order (see the class comment for the pruning).
     */
    private static Draw draw(float[] logits, double temperature, int[] kept, NoiseKey key, boolean withSum) {
        int n = keptCount(logits, kept);
        int leaderAt = 0;
        for (int i = 1; i < n; i++) {
            if (logits[tokenAt(kept, i)] > logits[tokenAt(kept, leaderAt)]) {
                leaderAt = i;
            }
        }
        int leader = tokenAt(kept, leaderAt);
        double max = logits[leader] / temperature;
        long keyHash = CounterRng.keyHash(key);
        double best = max + CounterRng.gumbel(keyHash, leader);
        int bestAt = leaderAt;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int token = tokenAt(kept, i);
            double z = logits[token] / temperature;
            if (withSum) {
                sum += Math.exp(z - max);
            }
            if (i == leaderAt || !canBeat(z - best, CounterRng.uniform(keyHash, token))) {
                continue; // the leader is scored already; the others here cannot beat it
            }
            double score = z + CounterRng.gumbel(keyHash, token);
            if (score > best || (score == best && i < bestAt)) {
                best = score;
                bestAt = i;
            }
        }
        return new Draw(tokenAt(kept, bestAt), max, sum);
    }

    /**
     * Whether a token {@code gap} = z − S behind the best score might still beat it with noise drawn from
     * {@code uniform}: false only when 1 − u ≥ 2^ceil(gap · log2 e + headroom) ≥ exp(gap).
     */
    private static boolean canBeat(double gap, double uniform) {
        if (gap < HOPELESS) {
            return false;
        }
        long exponent = (long) Math.ceil(gap * LOG2_E + BOUND_HEADROOM);
        return exponent >= 0 || 1 - uniform < Double.longBitsToDouble((exponent + 1023) << 52);
    }

    /** The {@code i}-th kept token; {@code kept} null keeps the whole vocabulary in id order. */
    private static int tokenAt(int[] kept, int i) {
        return kept == null ? i : kept[i];
    }

    private static int keptCount(float[] logits, int[] kept) {
        return kept == null ? logits.length : kept.length;
    }

    private static boolean contains(int[] tokens, int token) {
        for (int t : tokens) {
            if (t == token) {
                return true;
            }
        }
        return false;
    }

    /** Token ids that survive top-k then top-p, in descending logit order; null when no filter applies (all). */
    private static int[] keptTokens(float[] logits, SamplingParams params) {
        int vocab = logits.length;
        boolean topK = params.topK() > 0 && params.topK() < vocab;
        boolean topP = params.topP() < 1.0;
        if (!topK && !topP) {
            return null;
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

    /** A draw's token, and the max and sum of exp(z - max) over the kept tokens at the draw's temperature. */
    private record Draw(int token, double max, double sum) {
    }
}
