package io.specstream.verify;

import io.specstream.inference.decode.StepCostProbe;
import io.specstream.inference.runtime.DecoderSession;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The verifier's start-up measurement of its {@link StepCostTable}: a few batch sizes (1, 4, 16, 64, and the
 * largest the verifier runs) × a few widths (1, 2, 3, 5, 9, ... and the widest), three pairs of steps each over a
 * {@value #CONTEXT}-token context ({@link StepCostProbe}) — about a second for the shipped target up to batch 64,
 * width 9 — interpolated in between and refined online from real steps.
 */
final class StepCostCalibration {

    /** Context of the dummy sequences: about a prompt and a half of the shipped RL-math set. */
    static final int CONTEXT = 128;
    private static final int PAIRS = 3;

    private StepCostCalibration() {
    }

    static StepCostTable measure(DecoderSession session, VerifyConfig config) {
        int maxBatch = config.maxBatchSequences();
        int maxWidth = config.maxDraftTokens() + 1;
        return StepCostTable.interpolate(StepCostProbe.measure(session, points(maxBatch, 4), widths(maxWidth), CONTEXT,
                PAIRS), maxBatch, maxWidth);
    }

    /** 1, factor, factor², ... below {@code max}, and {@code max}. */
    static List<Integer> points(int max, int factor) {
        TreeSet<Integer> points = new TreeSet<>();
        for (int p = 1; p < max; p *= factor) {
            points.add(p);
        }
        points.add(max);
        return new ArrayList<>(points);
    }

    /** 1, 2, 3, 5, 9, 17, ... below {@code maxWidth}, and {@code maxWidth}: dense where the cost curve bends. */
    static List<Integer> widths(int maxWidth) {
        TreeSet<Integer> widths = new TreeSet<>();
        widths.add(1);
        for (int w = 2; w < maxWidth; w = 2 * w - 1) {
            widths.add(w);
        }
        widths.add(maxWidth);
        return new ArrayList<>(widths);
    }
}
