package io.specstream.bench;

import io.specstream.pipeline.cli.RunMode;

/** One cell of the benchmark grid: a mode, a sampling and the number of sequences a verify instance decodes at once. */
public record CellKey(RunMode mode, Sampling sampling, int concurrency) {

    /** The same sampling and concurrency in another mode: the cell a ratio is taken against. */
    public CellKey inMode(RunMode other) {
        return new CellKey(other, sampling, concurrency);
    }

    @Override
    public String toString() {
        return mode.flagValue() + " " + sampling.label() + " c=" + concurrency;
    }
}
