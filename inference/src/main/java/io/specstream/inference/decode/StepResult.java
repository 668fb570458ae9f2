package io.specstream.inference.decode;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Logits of one step for every sequence fed in it. The logits live in a buffer the decoder reuses, so a result
 * is readable only until the next step; reading a stale one throws instead of returning other data.
 */
public final class StepResult {

    /** Where a sequence's rows sit in the [batch, width, vocab] logits. */
    record RowSpan(int batchRow, int count) {
    }

    private final long step;
    private final LongSupplier currentStep;
    private final FloatBuffer logits;
    private final int width;
    private final int vocab;
    private final Map<SequenceId, RowSpan> spans;

    StepResult(long step, LongSupplier currentStep, FloatBuffer logits, int width, int vocab, Map<SequenceId, RowSpan> spans) {
        this.step = step;
        this.currentStep = currentStep;
        this.logits = logits;
        this.width = width;
        this.vocab = vocab;
        this.spans = Map.copyOf(spans);
    }

    public SequenceLogits logits(SequenceId sequence) {
        RowSpan span = spans.get(sequence);
        if (span == null) {
            throw new IllegalArgumentException(sequence + " was not fed in step " + step);
        }
        return new SequenceLogits(this, logits, span.batchRow() * width * vocab, span.count(), vocab);
    }

    public Set<SequenceId> sequences() {
        return spans.keySet();
    }

    /** Tokens per row this step (the largest feed); shorter feeds were padded up to it. */
    public int width() {
        return width;
    }

    void checkCurrent() {
        if (currentStep.getAsLong() != step) {
            throw new IllegalStateException("logits of step " + step + " were overwritten by step " + currentStep.getAsLong());
        }
    }
}
