package io.specstream.draft;

import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.contract.SequenceKey;

import io.specstream.inference.sampling.SamplingParams;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompt lookup: drafts by finding the sequence's latest n tokens earlier in its own prompt and output, and
 * proposing what followed them there. The longest n in [minN, maxN] with a match wins; among matches of that n, the
 * most recent. Costs microseconds (a scan of at most the context length per n), needs no model and no device.
 *
 * <p>Example, minN 1, maxN 3, k 4, context {@code [5, 7, 9, 2, 5, 7]}:
 * <ul>
 *   <li>n = 3: suffix [2, 5, 7] never occurred before — no match;</li>
 *   <li>n = 2: suffix [5, 7] occurred at positions 0–1, followed by [9, 2, 5, 7] — propose [9, 2, 5, 7].</li>
 * </ul>
 * With context {@code [5, 7, 9]} nothing matches for any n and no tail is proposed. A match near the end proposes
 * only the tokens that follow it, so a tail may be shorter than k.
 */
public final class NgramDrafter implements Drafter {

    public static final String NAME = "ngram";

    private final int minN;
    private final int maxN;
    private final Map<SequenceKey, CommittedTokens> sequences = new HashMap<>();

    public NgramDrafter(int minN, int maxN) {
        if (minN < 1 || maxN < minN) {
            throw new IllegalArgumentException("n-gram sizes min=" + minN + " max=" + maxN
                    + " are not valid; allowed values: 1 <= min <= max");
        }
        this.minN = minN;
        this.maxN = maxN;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(SequenceKey key, int[] promptIds, SamplingParams params, long seed) {
        sequences.put(key, new CommittedTokens(promptIds));
    }

    @Override
    public void onCommitted(SequenceKey key, int startPosition, int[] tokens) {
        CommittedTokens sequence = sequences.get(key);
        if (sequence != null) {
            sequence.apply(startPosition, tokens);
        }
    }

    @Override
    public void forget(SequenceKey key) {
        sequences.remove(key);
    }

    @Override
    public Map<SequenceKey, DraftTail> proposeAll(List<SequenceKey> keys, int k) {
        Map<SequenceKey, DraftTail> tails = new HashMap<>();
        for (SequenceKey key : keys) {
            CommittedTokens sequence = sequences.get(key);
            if (sequence != null) {
                int[] draft = lookup(sequence.context(), sequence.length(), k);
                if (draft.length > 0) {
                    tails.put(key, new DraftTail(NAME, sequence.responseLength(), draft));
                }
            }
        }
        return tails;
    }

    /** The up to {@code k} tokens that followed the most recent earlier occurrence of the longest matching suffix. */
    int[] lookup(int[] context, int length, int k) {
        for (int n = Math.min(maxN, length - 1); n >= minN; n--) {
            int suffixStart = length - n;
            // latest earlier start first; a match must end before the suffix's own last token
            for (int start = suffixStart - 1; start >= 0; start--) {
                if (matches(context, start, suffixStart, n)) {
                    int from = start + n;
                    return Arrays.copyOfRange(context, from, Math.min(length, from + k));
                }
            }
        }
        return new int[0];
    }

    private static boolean matches(int[] context, int start, int suffixStart, int n) {
        for (int i = 0; i < n; i++) {
            if (context[start + i] != context[suffixStart + i]) {
                return false;
            }
        }
        return true;
    }
}
