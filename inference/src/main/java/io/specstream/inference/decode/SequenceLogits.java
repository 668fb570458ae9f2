package io.specstream.inference.decode;

import java.nio.FloatBuffer;

/**
 * The logits of the tokens one sequence was fed in a step, viewed in place (no copy). Row {@code i} is the
 * distribution of the token that follows fed token {@code i}. Valid until the decoder's next step.
 */
public final class SequenceLogits {

    private final StepResult owner;
    private final FloatBuffer logits;
    private final int offset;
    private final int count;
    private final int vocab;

    SequenceLogits(StepResult owner, FloatBuffer logits, int offset, int count, int vocab) {
        this.owner = owner;
        this.logits = logits;
        this.offset = offset;
        this.count = count;
        this.vocab = vocab;
    }

    /** Number of rows: how many tokens the sequence was fed. */
    public int count() {
        return count;
    }

    public int vocabSize() {
        return vocab;
    }

    public float get(int row, int token) {
        return logits.get(index(row) + token);
    }

    /** Copies row {@code row} into {@code target} (length >= vocab) and returns it. */
    public float[] copyRow(int row, float[] target) {
        logits.get(index(row), target, 0, vocab);
        return target;
    }

    public float[] row(int row) {
        return copyRow(row, new float[vocab]);
    }

    /** Greedy token of row {@code row}; the lowest id wins a tie. */
    public int argmax(int row) {
        int base = index(row);
        int best = 0;
        float bestValue = logits.get(base);
        for (int v = 1; v < vocab; v++) {
            float value = logits.get(base + v);
            if (value > bestValue) {
                bestValue = value;
                best = v;
            }
        }
        return best;
    }

    private int index(int row) {
        owner.checkCurrent();
        if (row < 0 || row >= count) {
            throw new IndexOutOfBoundsException("row " + row + " of " + count + " fed tokens");
        }
        return offset + row * vocab;
    }
}
