package io.specstream.inference.sampling;

/** Log-softmax pieces in double precision, over a float logits row. */
public final class LogProbs {

    private LogProbs() {
    }

    /** log sum_v exp(logits[v] / temperature), computed stably. */
    public static double logSumExp(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float value : logits) {
            max = Math.max(max, value / temperature);
        }
        double sum = 0;
        for (float value : logits) {
            sum += Math.exp(value / temperature - max);
        }
        return max + Math.log(sum);
    }

    /** log softmax(logits)[token] at temperature 1: the model's raw log-probability of {@code token}. */
    public static double raw(float[] logits, int token) {
        return logits[token] - logSumExp(logits, 1.0);
    }
}
