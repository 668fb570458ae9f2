package io.specstream.inference.sampling;

/**
 * A chosen token and its two log-probabilities:
 * <ul>
 *   <li>{@code rawLogProb}: log softmax(logits)[token] — the model's own distribution, temperature 1, no
 *       truncation. This is the target log-prob RL trainers use for importance ratios / KL.</li>
 *   <li>{@code samplingLogProb}: log of the probability the token was actually drawn with — softmax of
 *       logits / temperature over the tokens top-k and top-p kept, renormalized. 0 for greedy (drawn with
 *       probability 1).</li>
 * </ul>
 */
public record SampledToken(int token, double rawLogProb, double samplingLogProb) {
}
