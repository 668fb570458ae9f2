package io.specstream.verify;

import io.specstream.inference.sampling.SampledToken;

import java.util.List;

/**
 * Verdict of one verify step on one sequence: {@code accepted} draft tokens matched the target, and
 * {@code committed} holds the target's tokens for the step ({@code accepted} of them equal to the draft, then the
 * bonus token), each with its log-probs.
 */
public record Acceptance(int accepted, List<SampledToken> committed) {

    public Acceptance {
        committed = List.copyOf(committed);
        if (committed.size() != accepted + 1) {
            throw new IllegalArgumentException("a step commits the accepted tokens plus one, got " + committed.size()
                    + " for " + accepted + " accepted");
        }
    }

    public int[] tokens() {
        return committed.stream().mapToInt(SampledToken::token).toArray();
    }
}
