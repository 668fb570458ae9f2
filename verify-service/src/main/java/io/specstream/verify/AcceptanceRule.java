package io.specstream.verify;

import io.specstream.inference.decode.SequenceLogits;
import io.specstream.inference.sampling.NoiseKey;
import io.specstream.inference.sampling.SampledToken;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.sampling.TokenSampler;

import java.util.ArrayList;
import java.util.List;

/**
 * Lossless linear verification. A step fed {@code [pending, d1 .. dk]}; row {@code i} of its logits is the
 * target's distribution of the token after fed token {@code i}. Walking the rows, the target draws its own token
 * {@code t_i} exactly as plain decoding would (greedy argmax, or the seeded Gumbel draw keyed on the token's
 * position), accepts {@code d_{i+1}} while it equals {@code t_i}, and at the first mismatch (or on the row after
 * the last draft token) commits {@code t_i} as the bonus token. Every committed token is therefore the target's
 * own choice at its position — the output cannot depend on the draft, only the number of steps does.
 *
 * <p>Worked example, greedy, pending token 11 at response position 4, draft [23, 31, 40]:
 * <pre>
 * row 0 (after 11): argmax 23 = d1  → accept, t = 23 at position 5
 * row 1 (after 23): argmax 31 = d2  → accept, t = 31 at position 6
 * row 2 (after 31): argmax 38 ≠ d3  → stop,   t = 38 at position 7 (bonus)
 * → accepted 2, committed [23, 31, 38]; row 3 is never read and d3's cache entry is truncated.
 * </pre>
 * Positions here are response positions; the noise key takes the whole-sequence position (prompt included).
 */
public final class AcceptanceRule {

    private final TokenSampler sampler = new TokenSampler();

    /**
     * @param rows      logits of the step for this sequence: {@code draft.length + 1} rows
     * @param draft     the draft tokens fed after the pending token (may be empty)
     * @param firstKey  noise key of the token row 0 decides (its whole-sequence position)
     */
    public Acceptance judge(SequenceLogits rows, int[] draft, SamplingParams params, NoiseKey firstKey) {
        if (rows.count() != draft.length + 1) {
            throw new IllegalArgumentException("a step fed " + rows.count() + " tokens but the draft has "
                    + draft.length + " (expected draft + 1 rows)");
        }
        float[] row = new float[rows.vocabSize()];
        List<SampledToken> committed = new ArrayList<>(draft.length + 1);
        for (int i = 0; i <= draft.length; i++) {
            rows.copyRow(i, row);
            SampledToken target = sampler.sample(row, params, firstKey.atPosition(firstKey.position() + i));
            committed.add(target);
            if (i == draft.length || draft[i] != target.token()) {
                return new Acceptance(i, committed);
            }
        }
        throw new IllegalStateException("unreachable: the last row always ends the walk");
    }
}
