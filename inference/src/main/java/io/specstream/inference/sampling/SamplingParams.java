package io.specstream.inference.sampling;

/**
 * How to pick a token from logits. {@code temperature == 0} is greedy (argmax; top-k/top-p ignored).
 * Otherwise logits are divided by the temperature, restricted to the {@code topK} largest ({@code 0} = all) and
 * then to the smallest set whose probability reaches {@code topP} ({@code 1} = all), and a token is drawn from
 * what is left, renormalized.
 */
public record SamplingParams(double temperature, int topK, double topP) {

    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature=" + temperature + " is not valid; allowed values: a finite number >= 0 (0 = greedy)");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k=" + topK + " is not valid; allowed values: 0 (no limit) or a positive integer");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p=" + topP + " is not valid; allowed values: a number in (0, 1]");
        }
    }

    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1);
    }

    public static SamplingParams temperature(double temperature) {
        return new SamplingParams(temperature, 0, 1);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
