package io.specstream.verify;

import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleBiFunction;

/**
 * Decides how wide each verify step is: tokens fed per sequence, 1 for plain decoding, 1 + k to verify k draft
 * tokens (every row of a step pays the widest row's width). It hears what each step took and judged, and tells the
 * drafters inside the verifier how much is worth drafting. The width only changes how many steps a sequence takes,
 * never its tokens (the acceptance rule decides those).
 */
public interface StepWidths {

    /** A row's candidate draft: the request it belongs to, the drafter, and how many draft tokens it offers. */
    record Row(String requestId, String drafter, int draftTokens) {
    }

    /** The width, 1 .. {@code maxWidth}, of a step over {@code batch} sequences of which {@code drafted} offer drafts. */
    int width(int batch, List<Row> drafted, int maxWidth);

    /**
     * Tokens (0 .. {@code cap}) an in-verifier drafter should draft for {@code requestIds} (one per sequence) next,
     * when it costs {@code cost} per sequence.
     */
    int plannedDraftTokens(String drafter, List<String> requestIds, int cap, DrafterCost cost);

    /** An in-verifier drafter asked for drafts for {@code asked} sequences offered {@code usable}. */
    default void offered(String drafter, int asked, int usable) {
    }

    /** A step of {@code batch} sequences × {@code width} tokens took {@code forwardNanos} in the forward. */
    void stepped(int batch, int width, long forwardNanos);

    /** What a step judged of one sequence's drafts, the verified one and its alternatives. */
    void judged(StepOutcome outcome);

    /** The request left (finished, or taken over elsewhere): nothing of it is kept. */
    void forget(String requestId);

    /**
     * What a draft of {@code tokens} tokens of {@code drafter} is worth for {@code requestId}, in expected accepted
     * tokens, when this policy weighs candidates against each other; empty leaves the choice to the ranking.
     */
    default Optional<ToDoubleBiFunction<String, Integer>> draftWorth(String requestId) {
        return Optional.empty();
    }

    /** Does now whatever the first {@link #width} would otherwise pause for. */
    default void prepare() {
    }

    /** Every offered draft token is verified, whatever the step costs: speculation as it was before the controller. */
    static StepWidths widest() {
        return new StepWidths() {
            @Override
            public int width(int batch, List<Row> drafted, int maxWidth) {
                return Math.min(maxWidth, 1 + drafted.stream().mapToInt(Row::draftTokens).max().orElse(0));
            }

            @Override
            public int plannedDraftTokens(String drafter, List<String> requestIds, int cap, DrafterCost cost) {
                return cap;
            }

            @Override
            public void stepped(int batch, int width, long forwardNanos) {
            }

            @Override
            public void judged(StepOutcome outcome) {
            }

            @Override
            public void forget(String requestId) {
            }
        };
    }
}
