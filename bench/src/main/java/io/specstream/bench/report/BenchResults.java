package io.specstream.bench.report;

import io.specstream.bench.BenchPlan;
import io.specstream.bench.CellKey;
import io.specstream.bench.Sampling;
import io.specstream.bench.measure.CellResult;
import io.specstream.bench.measure.InProcessRun;
import io.specstream.verify.service.VerifierPhase;
import io.specstream.bench.measure.SequenceResult;
import io.specstream.pipeline.cli.RunMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
 * @param stepCosts      per concurrency, the target's forward at width w (element w - 1) over width 1, measured
 *                       on the verify core: c(B, w) / c(B, 1)
 * @param setting        what ran where: machine, models, workload, pinning — one line each
 */
public record BenchResults(BenchPlan plan, List<CellResult> cells, Map<CellKey, InProcessRun> inProcessPlain,
                           Map<Integer, double[]> stepCosts, List<String> setting, double wallSeconds) {

    public BenchResults {
        cells = List.copyOf(cells);
        inProcessPlain = Map.copyOf(inProcessPlain);
        stepCosts = Map.copyOf(stepCosts);
        setting = List.copyOf(setting);
    }

    /**
     * This machine's limit for a cell: the speedup over plain decoding that its measured per-token acceptance α would
     * give if every sequence had a draft on hand at every step, free to the verifier, verified at the best common
     * draft length k: max over k of (1 + α + ... + α^k) / (c(B, 1 + k) / c(B, 1)). Example: α = 0.8 and
     * c(8, 1..5) = 1, 1.3, 1.54, 1.8, 1.97 → k = 4, 3.36 / 1.97 = 1.71×.
     */
    public Optional<Limit> limit(CellKey key) {
        double[] costs = stepCosts.get(key.concurrency());
        OptionalDouble acceptance = cell(key).map(c -> c.steps().perTokenAcceptance()).orElse(OptionalDouble.empty());
        if (costs == null || acceptance.isEmpty()) {
            return Optional.empty();
        }
        double alpha = acceptance.getAsDouble();
        Limit best = new Limit(alpha, 0, 1);
        double tokens = 1;
        double power = 1;
        for (int k = 1; k < costs.length; k++) {
            power *= alpha;
            tokens += power;
            if (tokens / costs[k] > best.speedup()) {
                best = new Limit(alpha, k, tokens / costs[k]);
            }
        }
        return Optional.of(best);
    }

    /** A cell's limit: at per-token acceptance {@code acceptance}, {@code draftTokens} per step give {@code speedup}. */
    public record Limit(double acceptance, int draftTokens, double speedup) {
    }

    /** The cell's run of median throughput among its repeats (the only run without repeats). */
    public Optional<CellResult> cell(CellKey key) {
        List<CellResult> runs = new ArrayList<>(repeats(key));
        runs.sort(Comparator.comparingDouble(CellResult::tokensPerSecond));
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get((runs.size() - 1) / 2));
    }

    /** Every run of the cell, in the order of the repeats. */
    public List<CellResult> repeats(CellKey key) {
        return cells.stream().filter(c -> c.key().equals(key)).toList();
    }

    /**
     * Throughput of {@code key} over that of the same sampling and concurrency in mode {@code base}, within each
     * repeat; the median of the repeats' ratios.
     */
    public OptionalDouble speedup(CellKey key, RunMode base) {
        double[] ratios = ratios(key, base);
        return ratios.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(median(ratios));
    }

    /**
     * How far the repeats' ratios of {@code key} to {@code base} lie apart: half their range over their median, e.g.
     * ratios 0.95, 1.00, 1.05 → ±5 %. Empty with fewer than two repeats.
     */
    public OptionalDouble speedupSpread(CellKey key, RunMode base) {
        double[] ratios = ratios(key, base);
        if (ratios.length < 2) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((ratios[ratios.length - 1] - ratios[0]) / 2 / median(ratios));
    }

    /** Each repeat's ratio, sorted. */
    private double[] ratios(CellKey key, RunMode base) {
        List<CellResult> of = repeats(key);
        List<CellResult> over = repeats(key.inMode(base));
        int n = Math.min(of.size(), over.size());
        double[] ratios = new double[n];
        int kept = 0;
        for (int r = 0; r < n; r++) {
            if (over.get(r).tokensPerSecond() > 0) {
                ratios[kept++] = of.get(r).tokensPerSecond() / over.get(r).tokensPerSecond();
            }
        }
        double[] sorted = Arrays.copyOf(ratios, kept);
        Arrays.sort(sorted);
        return sorted;
    }

    private static double median(double[] sorted) {
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
