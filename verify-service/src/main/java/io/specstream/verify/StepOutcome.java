package io.specstream.verify;

import io.specstream.contract.SequenceKey;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one engine step did to one sequence: it committed {@code tokens} at response positions
 * {@code startPosition, ...} (the delta a commit batch carries), verified {@code proposed} draft tokens of
 * {@code drafter} and accepted {@code accepted} of them, and possibly finished it. {@code accepted} counts the draft
 * tokens the target agreed with, even where a stop ended the response inside them. {@code alternatives} are the
 * other drafters' usable tails of the step, judged against what it committed.
 */
public record StepOutcome(
        SequenceKey key,
        int startPosition,
        int[] tokens,
        Optional<String> drafter,
        int proposed,
        int accepted,
        Optional<FinishReason> finishReason,
        List<Alternative> alternatives) {

    public StepOutcome {
        tokens = tokens.clone();
        alternatives = List.copyOf(alternatives);
    }

    /** An outcome with no unverified alternatives (one drafter, or none). */
    public StepOutcome(SequenceKey key, int startPosition, int[] tokens, Optional<String> drafter, int proposed,
                       int accepted, Optional<FinishReason> finishReason) {
        this(key, startPosition, tokens, drafter, proposed, accepted, finishReason, List.of());
    }

    public boolean finished() {
        return finishReason.isPresent();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** This outcome followed by {@code later} on the same sequence, as one delta (admission then a first step). */
    StepOutcome then(StepOutcome later) {
        if (!later.key.equals(key) || later.startPosition != startPosition + tokens.length) {
            throw new IllegalArgumentException("outcome " + later + " does not continue " + this);
        }
        int[] joined = Arrays.copyOf(tokens, tokens.length + later.tokens.length);
        System.arraycopy(later.tokens, 0, joined, tokens.length, later.tokens.length);
        return new StepOutcome(key, startPosition, joined, later.drafter, later.proposed, later.accepted, later.finishReason,
                later.alternatives);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StepOutcome that && key.equals(that.key) && startPosition == that.startPosition
                && Arrays.equals(tokens, that.tokens) && drafter.equals(that.drafter) && proposed == that.proposed
                && accepted == that.accepted && finishReason.equals(that.finishReason)
                && alternatives.equals(that.alternatives);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + startPosition;
    }

    @Override
    public String toString() {
        return "StepOutcome[" + key + " @" + startPosition + " " + Arrays.toString(tokens) + ", "
                + drafter.map(d -> d + " " + accepted + "/" + proposed).orElse("no draft")
                + finishReason.map(r -> ", " + r).orElse("") + "]";
    }
}
