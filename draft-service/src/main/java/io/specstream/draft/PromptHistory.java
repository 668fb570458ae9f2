package io.specstream.draft;

/**
 * Everything the suffix drafter has seen for one prompt: the prompt once, then the committed response of every
 * sequence that started from it — the n samples of a request, other requests with the same prompt tokens, and
 * earlier rollouts of it (RL re-samples its prompts every epoch), finished or not. Responses stay after their
 * sequence is forgotten: they are real target output, the best guess for the next rollout of the same prompt.
 *
 * <p>Example: prompt [3, 4]; sample 0 commits [8, 8, 2] and finishes; sample 1 of a later request with prompt
 * [3, 4] starts at the prompt's end, where [3, 4] was once followed by 8, so the drafter proposes [8, 8, 2].
 */
final class PromptHistory {

    private final HistoryGroups.PromptKey key;
    private final SuffixIndex index;
    private final SuffixIndex.Cursor promptEnd;
    private long tokens;
    private int openSequences;

    PromptHistory(HistoryGroups.PromptKey key, int maxDepth) {
        int[] promptIds = key.tokens();
        this.key = key;
        this.index = new SuffixIndex(maxDepth);
        this.promptEnd = index.newStream();
        for (int token : promptIds) {
            index.append(promptEnd, token);
        }
        this.tokens = promptIds.length;
    }

    /** A new sequence of this prompt: its response continues the prompt. */
    SuffixIndex.Cursor openSequence() {
        openSequences++;
        return promptEnd.fork();
    }

    void closeSequence() {
        openSequences--;
    }

    /** Whether some followed sequence still writes into this history, which makes it ineligible for eviction. */
    boolean hasOpenSequences() {
        return openSequences > 0;
    }

    void append(SuffixIndex.Cursor sequence, int token) {
        index.append(sequence, token);
        tokens++;
    }

    /** Prompt and response tokens held. */
    long tokens() {
        return tokens;
    }

    HistoryGroups.PromptKey key() {
        return key;
    }

    SuffixIndex index() {
        return index;
    }
}
