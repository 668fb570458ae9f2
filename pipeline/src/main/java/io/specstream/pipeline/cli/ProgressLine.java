package io.specstream.pipeline.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** The one-line progress bar on stderr, redrawn in place: {@code [#####.....]  9/18 seqs  412 tok/s  1.83 acc/step}. */
final class ProgressLine {

    private static final int WIDTH = 30;

    private final PrintWriter err;

    ProgressLine(PrintWriter err) {
        this.err = err;
    }

    void show(RunTally tally, double seconds) {
        int filled = (int) ((long) WIDTH * tally.sequences() / Math.max(1, tally.expected()));
        err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d seqs  %.0f tok/s  %.2f acc/step",
                "#".repeat(filled), ".".repeat(WIDTH - filled), tally.sequences(), tally.expected(),
                tally.tokensPerSecond(seconds), tally.acceptedPerStep()));
        err.flush();
    }

    void finish() {
        err.println();
        err.flush();
    }
}
