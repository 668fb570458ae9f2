package io.specstream.verify;

import io.specstream.inference.decode.StepCostProbe.StepCost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * c(batch, width): what a verify step's forward costs, in nanoseconds, for every batch size 1 .. maxBatch and width
 * 1 .. maxWidth (tokens fed per sequence: 1 is plain decoding, 1 + k verifies k draft tokens). Built from a few
 * measured points ({@link io.specstream.inference.decode.StepCostProbe}) by linear interpolation, then refined from
 * the verifier's own steps, each moving the table a fifth of the way to what it took: a plain step (width 1) moves
 * its whole batch row, since a longer context or a busier machine slows every width alike, and by 2 % at most; a wide
 * step moves only its own cell, the one thing it measured.
 *
 * <p>Why a plain step rescales the row rather than nudging the other widths a little: the verifier takes mostly plain
 * steps, and a noisy stream of them (GC pauses, cache compactions inside a step) nudging width 1 by a fifth and the
 * others by a twentieth ratchets the others up — measured on this project's CPU runs, c(1, 5) / c(1, 1) crept from
 * 1.46 to 12 over a cell, and the controller stopped verifying drafts worth 2×.
 *
 * <p>Why a plain step moves the row {@value #PLAIN_STEP_LIMIT_PERCENT} % at most: plain steps are many, so the row can
 * follow the typical one and ignore bursts. Bursts come: a draft model drafting on the verifier's core leaves the
 * target slow for a few steps, and this shared machine has slow spells of its own (coupled, one sequence: the five
 * plain steps after a drafting streak took 2.1, 1.8, 1.7, 1.6 and 1.5 times the cell's median plain step). Moving a
 * fifth of the way, those five raised c(1, 1) by 45 %; every drafter step then looked cheap beside it, the controller
 * switched drafting on, and since a step that drafts is never plain, nothing brought c(1, 1) back down until the
 * streak ended: 26 % of the steps drafted, at 0.78× plain. Now those five raise it by 10 % and the next plain steps
 * take it back.
 *
 * <p>Example: measured (1,1) 1.0 ms, (1,5) 1.3 ms, (8,1) 2.0 ms, (8,5) 4.6 ms → c(8,3) = 3.3 ms, c(4,1) ≈ 1.43 ms;
 * a step (8,1) observed at 2.1 ms → c(8,1) = 2.02 ms and c(8,3) = 3.333 ms (every width × 1.01); one observed at
 * 2.4 ms or at 50 ms (a GC pause) → every width × 1.02; then a step (8,3) observed at 3.0 ms →
 * c(8,3) = 3.333 × (1 + 0.2 × (3.0 / 3.333 − 1)) = 3.2664 ms, c(8,1) unchanged.
 */
public final class StepCostTable {

    private static final double WEIGHT = 0.2;
    /** A wide step more than this many times off the table (a GC pause, a compaction) moves it only this far. */
    private static final double LARGEST_SURPRISE = 2;
    /** The most one plain step moves its row, in percent. */
    static final int PLAIN_STEP_LIMIT_PERCENT = 2;
    /** A plain step more than this many times off the table moves it only this far: a fifth of it, 2 %. */
    private static final double LARGEST_PLAIN_SURPRISE = 1 + PLAIN_STEP_LIMIT_PERCENT / 100.0 / WEIGHT;

    private final double[][] nanos;

    private StepCostTable(double[][] nanos) {
        this.nanos = nanos;
    }

    /**
     * The table for batches 1 .. {@code maxBatch} and widths 1 .. {@code maxWidth} from measured points, which must
     * include batch 1 and width 1 and cover the largest batch and width (or be extrapolated flat beyond them).
     */
    public static StepCostTable interpolate(List<StepCost> measured, int maxBatch, int maxWidth) {
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("no measured step costs to build the table from");
        }
        TreeMap<Integer, TreeMap<Integer, Double>> rows = new TreeMap<>();
        for (StepCost cost : measured) {
            rows.computeIfAbsent(cost.batch(), b -> new TreeMap<>()).put(cost.width(), (double) cost.nanos());
        }
        double[][] table = new double[maxBatch + 1][maxWidth + 1];
        for (int width = 1; width <= maxWidth; width++) {
            TreeMap<Integer, Double> column = new TreeMap<>();
            for (var row : rows.entrySet()) {
                column.put(row.getKey(), between(row.getValue(), width));
            }
            for (int batch = 1; batch <= maxBatch; batch++) {
                table[batch][width] = between(column, batch);
            }
        }
        return new StepCostTable(table);
    }

    /** A table of the given costs, {@code nanos[batch - 1][width - 1]}: for tests and worked examples. */
    public static StepCostTable of(double[][] nanos) {
        List<StepCost> points = new ArrayList<>();
        for (int b = 0; b < nanos.length; b++) {
            for (int w = 0; w < nanos[b].length; w++) {
                points.add(new StepCost(b + 1, w + 1, Math.round(nanos[b][w])));
            }
        }
        return interpolate(points, nanos.length, nanos[0].length);
    }

    /**
     * A table where every plain step costs {@code plainNanos} and every wider step {@code widePrice} times that, at
     * every batch size: for tests and worked examples (widePrice 1 is a GPU at small sizes, where width is free).
     */
    public static StepCostTable flat(int maxBatch, int maxWidth, double plainNanos, double widePrice) {
        double[][] nanos = new double[maxBatch][maxWidth];
        for (double[] row : nanos) {
            Arrays.fill(row, plainNanos * widePrice);
            row[0] = plainNanos;
        }
        return of(nanos);
    }

    public int maxBatch() {
        return nanos.length - 1;
    }

    public int maxWidth() {
        return nanos[0].length - 1;
    }

    /** Expected forward time of a step of {@code batch} sequences, {@code width} tokens each (clamped to the table). */
    public double nanos(int batch, int width) {
        return nanos[clamp(batch, maxBatch())][clamp(width, maxWidth())];
    }

    /** c(batch, width) / c(batch, 1): what a step of this width costs in plain steps. */
    public double relative(int batch, int width) {
        return nanos(batch, width) / nanos(batch, 1);
    }

    /** A step of {@code batch} × {@code width} took {@code observed} nanoseconds. */
    public void observe(int batch, int width, long observed) {
        if (batch < 1 || batch > maxBatch() || width < 1 || width > maxWidth() || observed <= 0) {
            return;
        }
        double[] row = nanos[batch];
        double largest = width == 1 ? LARGEST_PLAIN_SURPRISE : LARGEST_SURPRISE;
        double surprise = Math.max(1 / largest, Math.min(largest, observed / row[width]));
        double factor = 1 + WEIGHT * (surprise - 1);
        if (width > 1) {
            row[width] *= factor;
            return;
        }
        for (int w = 1; w < row.length; w++) {
            row[w] *= factor;
        }
    }

    private static int clamp(int value, int max) {
        return Math.max(1, Math.min(max, value));
    }

    /** Linear interpolation in {@code points} at {@code x}; flat beyond the first and last point. */
    private static double between(TreeMap<Integer, Double> points, int x) {
        var below = points.floorEntry(x);
        var above = points.ceilingEntry(x);
        if (below == null) {
            return above.getValue();
        }
        if (above == null || above.getKey().equals(below.getKey())) {
            return below.getValue();
        }
        double t = (double) (x - below.getKey()) / (above.getKey() - below.getKey());
        return below.getValue() + t * (above.getValue() - below.getValue());
    }
}
