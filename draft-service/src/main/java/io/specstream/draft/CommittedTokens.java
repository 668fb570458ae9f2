package io.specstream.draft;

import java.util.Arrays;

/**
 * What a model-free drafter knows of one sequence: its prompt followed by the verifier's committed response, grown
 * by commit deltas. Example: prompt [1, 8], commits (0, [5, 9]) then (1, [9, 4]) → context [1, 8, 5, 9, 4]
 * (the repeated 9 is accepted, 4 is new); a commit at response position 4 would leave a gap and is refused, as is
 * one that contradicts an earlier commit.
 */
final class CommittedTokens {

    private final int promptLength;
    private int[] context;
    private int length;

    CommittedTokens(int[] promptIds) {
        this.promptLength = promptIds.length;
        this.context = Arrays.copyOf(promptIds, Math.max(16, promptIds.length * 2));
        this.length = promptIds.length;
    }

    /** Committed response tokens so far. */
    int responseLength() {
        return length - promptLength;
    }

    /** Prompt and response tokens so far. */
    int length() {
        return length;
    }

    int at(int contextPosition) {
        return context[contextPosition];
    }

    /** Read-only view of prompt + response: {@code context()[0 .. length())}. */
    int[] context() {
        return context;
    }

    void apply(int startPosition, int[] tokens) {
        int committed = responseLength();
        if (startPosition > committed) {
            throw new IllegalArgumentException("commit at response position " + startPosition
                    + " leaves a gap: only " + committed + " tokens were committed before");
        }
        for (int j = 0; j < tokens.length; j++) {
            int position = promptLength + startPosition + j;
            if (position < length) {
                if (context[position] != tokens[j]) {
                    throw new IllegalArgumentException("commit of " + tokens[j] + " at response position "
                            + (startPosition + j) + " contradicts the earlier commit of " + context[position]);
                }
                continue;
            }
            if (length == context.length) {
                context = Arrays.copyOf(context, context.length * 2);
            }
            context[length++] = tokens[j];
        }
    }
}
