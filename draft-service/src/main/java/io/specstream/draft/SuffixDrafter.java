package io.specstream.draft;

import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.contract.SequenceKey;

import io.specstream.inference.sampling.SamplingParams;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SuffixDecoding over a prompt group's history: drafts by finding the sequence's current suffix in a suffix index
 * of its own prompt and output, its siblings' outputs (the other samples of its request and other requests with
 * the same prompt tokens) and earlier rollouts of the same prompt, and following the most frequent continuation.
 * Model-free, microseconds per proposal: finding the longest match is a look at the sequence's own suffix nodes,
 * which the index keeps current as tokens are committed.
 *
 * <ul>
 *   <li>Match: the longest suffix of the sequence, up to maxPatternLength tokens, that occurred before with a
 *       continuation; no match, no tail.</li>
 *   <li>Length: a match of m tokens may speculate {@code min(maxSpeculation, ceil(growthFactor × m))} tokens,
 *       whatever k: long matches (likely copies) draft further than k, short ones (weak evidence) less — every
 *       proposed token widens the whole verify batch.</li>
 *   <li>Continuation: greedy, the most frequent child at each step (ties: the most recent); stops where the path's
 *       share — the product of each child's count over its parent's continued occurrences — falls below
 *       minPathShare, or at the index's depth bound.</li>
 * </ul>
 *
 * <p>Worked example, defaults, k 1: prompt [10, 11]; sample 0 committed [20, 21, 22, 23]; sample 1 committed
 * [20, 21]. Sample 1's context is [10, 11, 20, 21]; its longest earlier-continued suffix is the whole of it, 4
 * tokens (sample 0 went on with 22), so it may speculate ceil(1.0 × 4) = 4 tokens; it follows 22, then 23, where
 * sample 0's output ends, and proposes [22, 23] at response position 2. Had sample 0 written [20, 21, 22, 23]
 * and sample 2 [20, 21, 30], then after [20, 21] 22 and 30 would each have half the continuations: 0.5 ≥ 0.1, so
 * it proposes the more recent one, 30.
 *
 * <p>History outlives the sequences: {@code forget} stops following a sequence, its committed tokens stay in its
 * prompt's history until that history is evicted (see {@link SuffixSettings#historyTokenBudget()}).
 */
public final class SuffixDrafter implements Drafter {

    public static final String NAME = "suffix";

    private final SuffixSettings settings;
    private final HistoryGroups histories;
    private final Map<SequenceKey, FollowedSequence> sequences = new HashMap<>();

    public SuffixDrafter(SuffixSettings settings) {
        this.settings = settings;
        this.histories = new HistoryGroups(settings.maxDepth(), settings.historyTokenBudget());
    }

    /** A drafter with {@link SuffixSettings#defaults()}. */
    public static SuffixDrafter withDefaults() {
        return new SuffixDrafter(SuffixSettings.defaults());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed) {
        forget(key);
        PromptHistory history = histories.historyOf(promptIds);
        sequences.put(key, new FollowedSequence(new CommittedTokens(promptIds), history, history.openSequence()));
        histories.evictOverBudget();
    }

    @Override
    public void onCommitted(SequenceKey key, int startPosition, int[] tokens) {
        FollowedSequence sequence = sequences.get(key);
        if (sequence == null) {
            return;
        }
        int known = sequence.tokens().length();
        // refuses gaps and contradictions before anything is appended
        sequence.tokens().apply(startPosition, tokens);
        for (int position = known; position < sequence.tokens().length(); position++) {
            histories.append(sequence.history(), sequence.cursor(), sequence.tokens().at(position));
        }
        histories.touch(sequence.history());
        histories.evictOverBudget();
    }

    @Override
    public void forget(SequenceKey key) {
        FollowedSequence sequence = sequences.remove(key);
        if (sequence != null) {
            sequence.history().closeSequence();
            histories.evictOverBudget();
        }
    }

    @Override
    public Map<SequenceKey, DraftTail> proposeAll(List<SequenceKey> keys, int k) {
        Map<SequenceKey, DraftTail> tails = new HashMap<>();
        for (SequenceKey key : keys) {
            FollowedSequence sequence = sequences.get(key);
            if (sequence != null) {
                int[] draft = draft(sequence, k);
                if (draft.length > 0) {
                    tails.put(key, new DraftTail(NAME, sequence.tokens().responseLength(), draft));
                }
            }
        }
        return tails;
    }

    /** Prompt and response tokens held in all prompt histories, the open sequences' included. */
    public long historyTokens() {
        return histories.tokens();
    }

    /** Nodes in all prompt histories' indexes: the drafter's memory is about 40 bytes per node. */
    public long indexNodes() {
        return histories.indexNodes();
    }

    /** Distinct prompts with a history. */
    public int historyGroups() {
        return histories.size();
    }

    private int[] draft(FollowedSequence sequence, int k) {
        histories.touch(sequence.history());
        SuffixIndex index = sequence.history().index();
        int match = index.longestContinuedMatch(sequence.cursor(), settings.maxPatternLength());
        if (match == 0) {
            return new int[0];
        }
        int grown = (int) Math.min(settings.maxSpeculation(), Math.ceil(settings.growthFactor() * match));
        // no floor at k: a short match is weak evidence, and every proposed token widens the whole verify batch
        return index.follow(sequence.cursor(), match, grown, settings.minPathShare());
    }

    /** A followed sequence: its tokens, the history it writes into and where its stream stands in that index. */
    private record FollowedSequence(CommittedTokens tokens, PromptHistory history, SuffixIndex.Cursor cursor) {
    }
}
