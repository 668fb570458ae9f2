package io.specstream.bench.report;

import io.specstream.bench.BenchPlan;
import io.specstream.bench.CellKey;
import io.specstream.bench.Sampling;
import io.specstream.bench.measure.CellResult;
import io.specstream.bench.measure.InProcessRun;
import io.specstream.verify.service.VerifierPhase;
import io.specstream.bench.measure.SequenceResult;
import io.specstream.pipeline.cli.RunMode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Everything a benchmark run measured, and the ratios between its cells — always between cells of this one run
 * (same models, prompts, machine), never against numbers from elsewhere.
 *
 * @param inProcessPlain per sampling and concurrency (as a plain-mode CellKey), the Kafka-free baseline
 * @param setting               what ran where: machine, models, workload, pinning — one line each
 */
public record BenchResults(BenchPlan plan, List<CellResult> cells, Map<CellKey, InProcessRun> inProcessPlain,
                           List<String> setting, double wallSeconds) {

    public BenchResults {
        cells = List.copyOf(cells);
        inProcessPlain = Map.copyOf(inProcessPlain);
        setting = List.copyOf(setting);
    }

    public Optional<CellResult> cell(CellKey key) {
        return cells.stream().filter(c -> c.key().equals(key)).findFirst();
    }

    /** Throughput of {@code key} over that of the same sampling and concurrency in mode {@code base}. */
    public OptionalDouble speedup(CellKey key, RunMode base) {
        Optional<CellResult> of = cell(key);
        Optional<CellResult> over = cell(key.inMode(base));
        if (of.isEmpty() || over.isEmpty() || over.get().tokensPerSecond() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(of.get().tokensPerSecond() / over.get().tokensPerSecond());
    }

    /**
     * Sequences of {@code key} whose tokens differ from plain decoding's in the same sampling and concurrency
     * (DESIGN invariant 1 says 0, up to near-ties that float rounding of other batch shapes may flip).
     */
    public long differingFromPlain(CellKey key) {
        Map<String, List<Integer>> plain = tokens(cell(key.inMode(RunMode.PLAIN)));
        Map<String, List<Integer>> other = tokens(cell(key));
        return other.entrySet().stream().filter(e -> !e.getValue().equals(plain.get(e.getKey()))).count();
    }

    /** Pipeline plain over in-process plain, minus one: what topics, serdes and transactions cost. */
    public OptionalDouble kafkaOverhead(Sampling sampling, int concurrency) {
        CellKey plain = new CellKey(RunMode.PLAIN, sampling, concurrency);
        InProcessRun inProcess = inProcessPlain.get(plain);
        return cell(plain).filter(c -> inProcess != null && inProcess.seconds() > 0)
                .map(c -> OptionalDouble.of(c.makespanSeconds() / inProcess.seconds() - 1))
                .orElse(OptionalDouble.empty());
    }

    /**
     * The pipeline plain cell's forward time over the bare loop's, minus one: how much slower the same batched forward
     * ran inside the pipeline's process.
     */
    public OptionalDouble forwardSlowdown(Sampling sampling, int concurrency) {
        CellKey plain = new CellKey(RunMode.PLAIN, sampling, concurrency);
        InProcessRun inProcess = inProcessPlain.get(plain);
        return cell(plain).filter(c -> inProcess != null && inProcess.forwardSeconds() > 0)
                .map(c -> OptionalDouble.of(c.verifierTime().seconds(VerifierPhase.FORWARD)
                        / inProcess.forwardSeconds() - 1))
                .orElse(OptionalDouble.empty());
    }

    /** The largest concurrency the plan ran: where the per-cell charts look. */
    public int largestConcurrency() {
        return plan.concurrencies().stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** The cells of one sampling at one concurrency, in the plan's mode order. */
    public Map<RunMode, CellResult> modesAt(Sampling sampling, int concurrency) {
        Map<RunMode, CellResult> byMode = new LinkedHashMap<>();
        for (RunMode mode : plan.modes()) {
            cell(new CellKey(mode, sampling, concurrency)).ifPresent(c -> byMode.put(mode, c));
        }
        return byMode;
    }

    private static Map<String, List<Integer>> tokens(Optional<CellResult> cell) {
        return cell.map(c -> c.sequences().stream().collect(Collectors.toMap(SequenceResult::key,
                SequenceResult::tokens, (a, b) -> a))).orElse(Map.of());
    }
}
