package io.specstream.draft;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prompt histories of the suffix drafter, one per distinct prompt, within a budget of tokens held in all of
 * them together. Prompts are grouped by their token arrays: a hash finds the candidates, equality of the arrays
 * decides. Over budget, the least recently used history that no open sequence writes into is dropped, then the
 * next, until the total fits or only histories with open sequences are left (those are never dropped, so the
 * total may exceed the budget while they are open).
 *
 * <p>Example, budget 10 tokens: A (6 tokens, idle, used first) and B (4 tokens, open); a new prompt C of 3 tokens
 * makes 13 → A is dropped (7 left). Had A still been open, nothing would be dropped and 13 would be held.
 */
final class HistoryGroups {

    private final int maxDepth;
    private final long tokenBudget;
    /** Access-ordered: iteration starts at the least recently used history. */
    private final Map<PromptKey, PromptHistory> histories = new LinkedHashMap<>(16, 0.75f, true);
    private long tokens;

    HistoryGroups(int maxDepth, long tokenBudget) {
        this.maxDepth = maxDepth;
        this.tokenBudget = tokenBudget;
    }

    /** The history of {@code promptIds}, created (holding the prompt) if none is kept; marks it used. */
    PromptHistory historyOf(int[] promptIds) {
        PromptKey key = new PromptKey(promptIds.clone());
        PromptHistory history = histories.get(key);
        if (history == null) {
            history = new PromptHistory(key, maxDepth);
            histories.put(key, history);
            tokens += history.tokens();
        }
        return history;
    }

    /** Marks {@code history} as the most recently used. */
    void touch(PromptHistory history) {
        histories.get(history.key());
    }

    /** Appends a committed token of the sequence at {@code cursor} to {@code history}. */
    void append(PromptHistory history, SuffixIndex.Cursor cursor, int token) {
        history.append(cursor, token);
        tokens++;
    }

    /** Drops least recently used idle histories while over budget. */
    void evictOverBudget() {
        Iterator<PromptHistory> eldestFirst = histories.values().iterator();
        while (tokens > tokenBudget && eldestFirst.hasNext()) {
            PromptHistory history = eldestFirst.next();
            if (!history.hasOpenSequences()) {
                tokens -= history.tokens();
                eldestFirst.remove();
            }
        }
    }

    /** Tokens held in all histories. */
    long tokens() {
        return tokens;
    }

    long indexNodes() {
        long nodes = 0;
        for (PromptHistory history : histories.values()) {
            nodes += history.index().nodeCount();
        }
        return nodes;
    }

    int size() {
        return histories.size();
    }

    /** Prompt tokens as a map key: equal iff the arrays are equal; the hash is computed once. */
    record PromptKey(int[] tokens, int hash) {

        PromptKey(int[] tokens) {
            this(tokens, Arrays.hashCode(tokens));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PromptKey that && hash == that.hash && Arrays.equals(tokens, that.tokens);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
