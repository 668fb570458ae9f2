package io.specstream.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The progress bar on stderr, redrawn in place while the benchmark runs, e.g.
 * {@code [###########...................] cell 6/16  decoupled greedy c=8  37/64 seqs  41 s}.
 */
public final class BenchProgress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final int cells;
    private final long started = System.nanoTime();
    private int cell;
    private String label = "";
    private int expected = 1;
    private boolean counting;

    public BenchProgress(PrintWriter err, int cells) {
        this.err = err;
        this.cells = cells;
    }

    /**
     * A new cell begins ({@code counts}), or a phase outside the grid such as the warm-up, waiting for
     * {@code sequences} sequences.
     */
    public void begin(String what, int sequences, boolean counts) {
        if (counts) {
            cell++;
        }
        counting = counts;
        label = what;
        expected = Math.max(1, sequences);
        show(0);
    }

    /** {@code done} of the current cell's sequences have finished. */
    public void show(int done) {
        double current = counting ? Math.min(1.0, (double) done / expected) : 0;
        double overall = ((double) (counting ? cell - 1 : cell) + current) / cells;
        int filled = (int) Math.min(WIDTH, Math.round(overall * WIDTH));
        err.print(String.format(Locale.ROOT, "\r[%s%s] cell %d/%d  %-28s %d/%d seqs  %.0f s   ", "#".repeat(filled),
                ".".repeat(WIDTH - filled), cell, cells, label, done, expected, (System.nanoTime() - started) / 1e9));
        err.flush();
    }

    /** Ends the bar's line. */
    public void finish() {
        err.println();
        err.flush();
    }
}
