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
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Everything a benchmark run measured, and the ratios between its cells — always between cells of this one run
 * (same models, prompts, machine), never against numbers from elsewhere.
 *
 * @param inProcessPlain per sampling and concurrency (as a plain-mode CellKey), the Kafka-free baseline's runs in the
 *                       order of the repeats, each run right beside (before or after) that repeat's pipeline plain cell
 * @param stepCosts      per concurrency, the target's forward at width w (element w - 1) over width 1, measured
 *                       on the verify core: c(B, w) / c(B, 1)
 * @param setting        what ran where: machine, models, workload, pinning — one line each
 */
public record BenchResults(BenchPlan plan, List<CellResult> cells, Map<CellKey, List<InProcessRun>> inProcessPlain,
                           Map<Integer, double[]> stepCosts, List<String> setting, double wallSeconds) {

    public BenchResults {
        cells = List.copyOf(cells);
        inProcessPlain = inProcessPlain.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
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
        return median(ratios(key, base));
    }

    /**
     * How far the repeats' ratios of {@code key} to {@code base} lie apart: half their range over their median, e.g.
     * ratios 0.95, 1.00, 1.05 → ±5 %. Empty with fewer than two repeats.
     */
    public OptionalDouble speedupSpread(CellKey key, RunMode base) {
        return spread(ratios(key, base));
    }

    /** Each repeat's ratio of throughputs, sorted. */
    private double[] ratios(CellKey key, RunMode base) {
        return sortedRatios(repeats(key).stream().map(CellResult::tokensPerSecond).toList(),
                repeats(key.inMode(base)).stream().map(CellResult::tokensPerSecond).toList());
    }

    /** {@code of[r] / over[r]} for every repeat r both ran, sorted; a ratio over 0 is left out. */
    private static double[] sortedRatios(List<Double> of, List<Double> over) {
        int n = Math.min(of.size(), over.size());
        double[] ratios = new double[n];
        int kept = 0;
        for (int r = 0; r < n; r++) {
            if (over.get(r) > 0) {
                ratios[kept++] = of.get(r) / over.get(r);
            }
        }
        double[] sorted = Arrays.copyOf(ratios, kept);
        Arrays.sort(sorted);
        return sorted;
    }

    private static OptionalDouble median(double[] sorted) {
        if (sorted.length == 0) {
            return OptionalDouble.empty();
        }
        int mid = sorted.length / 2;
        return OptionalDouble.of(sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
    }

    private static OptionalDouble spread(double[] sorted) {
        return sorted.length < 2 ? OptionalDouble.empty()
                : OptionalDouble.of((sorted[sorted.length - 1] - sorted[0]) / 2 / median(sorted).getAsDouble());
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

    /**
     * Pipeline plain over in-process plain, minus one: what topics, serdes and transactions cost. With repeats, each
     * repeat's pipeline cell against the baseline run beside it, the median of those ratios: a pipeline cell of
     * 2.2 s and 1.8 s against 2.0 s and 1.5 s → ratios 1.1 and 1.2 → +15 %.
     */
    public OptionalDouble kafkaOverhead(Sampling sampling, int concurrency) {
        return median(overheadRatios(sampling, concurrency, CellResult::makespanSeconds, InProcessRun::seconds))
                .stream().map(ratio -> ratio - 1).findFirst();
    }

    /** How far the repeats' overhead ratios lie apart, as {@link #speedupSpread}; empty with fewer than two. */
    public OptionalDouble kafkaOverheadSpread(Sampling sampling, int concurrency) {
        return spread(overheadRatios(sampling, concurrency, CellResult::makespanSeconds, InProcessRun::seconds));
    }

    /**
     * The pipeline plain cell's forward time over the bare loop's, minus one, paired by repeat like
     * {@link #kafkaOverhead}: how much slower the same batched forward ran inside the pipeline's process.
     */
    public OptionalDouble forwardSlowdown(Sampling sampling, int concurrency) {
        return median(overheadRatios(sampling, concurrency, c -> c.verifierTime().seconds(VerifierPhase.FORWARD),
                InProcessRun::forwardSeconds)).stream().map(ratio -> ratio - 1).findFirst();
    }

    /**
     * The Kafka overhead with the forward's speed taken out: the pipeline plain cell against the bare loop as it would
     * have run had its forward taken the pipeline's forward time, minus one — what the pipeline adds around the same
     * forward work (the two take about the same steps; the report shows both counts). Paired by repeat like
     * {@link #kafkaOverhead}.
     *
     * <p>Example: pipeline 2.2 s of which forward 1.9 s; bare loop 1.8 s of which forward 1.6 s → the bare loop at the
     * pipeline's forward speed 1.8 − 1.6 + 1.9 = 2.1 s → +4.8 %, where the makespans alone read +22 %.
     */
    public OptionalDouble kafkaOverheadAtEqualForward(Sampling sampling, int concurrency) {
        return median(equalForwardRatios(sampling, concurrency)).stream().map(ratio -> ratio - 1).findFirst();
    }

    /** How far the repeats' {@link #kafkaOverheadAtEqualForward} ratios lie apart; empty with fewer than two. */
    public OptionalDouble kafkaOverheadAtEqualForwardSpread(Sampling sampling, int concurrency) {
        return spread(equalForwardRatios(sampling, concurrency));
    }

    private double[] equalForwardRatios(Sampling sampling, int concurrency) {
        CellKey plain = new CellKey(RunMode.PLAIN, sampling, concurrency);
        List<CellResult> pipeline = repeats(plain);
        List<InProcessRun> bare = inProcessPlain.getOrDefault(plain, List.of());
        List<Double> pipelineSeconds = new ArrayList<>();
        List<Double> bareAtPipelineForward = new ArrayList<>();
        for (int r = 0; r < Math.min(pipeline.size(), bare.size()); r++) {
            CellResult cell = pipeline.get(r);
            pipelineSeconds.add(cell.makespanSeconds());
            bareAtPipelineForward.add(bare.get(r).seconds() - bare.get(r).forwardSeconds()
                    + cell.verifierTime().seconds(VerifierPhase.FORWARD));
        }
        return sortedRatios(pipelineSeconds, bareAtPipelineForward);
    }

    /**
     * How far the bare loop's forward seconds lie apart over the repeats, half their range over their median: the same
     * computation on the same core, so what the machine alone moves a forward by from one run to the next. Empty with
     * fewer than two runs.
     */
    public OptionalDouble bareForwardSpread(Sampling sampling, int concurrency) {
        double[] seconds = inProcessPlain.getOrDefault(new CellKey(RunMode.PLAIN, sampling, concurrency), List.of())
                .stream().mapToDouble(InProcessRun::forwardSeconds).sorted().toArray();
        return spread(seconds);
    }

    /** The median of the bare loop's runs at this sampling and concurrency, if it ran. */
    public Optional<InProcessRun> inProcessPlain(Sampling sampling, int concurrency) {
        List<InProcessRun> runs = new ArrayList<>(inProcessPlain.getOrDefault(
                new CellKey(RunMode.PLAIN, sampling, concurrency), List.of()));
        runs.sort(Comparator.comparingDouble(InProcessRun::seconds));
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get((runs.size() - 1) / 2));
    }

    private double[] overheadRatios(Sampling sampling, int concurrency, ToDoubleFunction<CellResult> pipeline,
                                    ToDoubleFunction<InProcessRun> bare) {
        CellKey plain = new CellKey(RunMode.PLAIN, sampling, concurrency);
        return sortedRatios(repeats(plain).stream().map(pipeline::applyAsDouble).toList(),
                inProcessPlain.getOrDefault(plain, List.of()).stream().map(bare::applyAsDouble).toList());
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
