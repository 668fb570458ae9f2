package io.specstream.bench;

import io.specstream.bench.measure.CellResult;
import io.specstream.bench.measure.CellRunner;
import io.specstream.bench.measure.CoreUse;
import io.specstream.bench.measure.InProcessPlain;
import io.specstream.bench.measure.InProcessRun;
import io.specstream.bench.measure.StepCosts;
import io.specstream.bench.report.BenchCharts;
import io.specstream.bench.report.BenchResults;
import io.specstream.bench.report.MarkdownReport;
import io.specstream.inference.runtime.CoreAffinity;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.embedded.EmbeddedKafkaSettings;
import io.specstream.topology.embedded.EmbeddedStack;
import io.specstream.pipeline.cli.PromptFile;
import io.specstream.pipeline.cli.RunMode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code specstream bench} run: an embedded broker and registry for the whole run, an unrecorded warm-up (the
 * JIT), then every cell of the plan through the same pipeline on topics of its own, the in-process plain baseline
 * for the Kafka overhead, and the report with its charts.
 */
public final class Benchmark {

    /** Requests of the warm-up: enough to compile the hot paths, too short to matter. */
    private static final int WARM_UP_PROMPTS = 4;
    private static final int WARM_UP_TOKENS = 24;

    private final BenchPlan plan;
    private final PrintWriter err;
    private final String commandLine;

    public Benchmark(BenchPlan plan, PrintWriter err, String commandLine) {
        this.plan = plan;
        this.err = err;
        this.commandLine = commandLine;
    }

    private static InProcessRun runBaseline(InProcessPlain baseline, CellKey key, Workload workload, String ofRepeat,
                                            BenchProgress progress) {
        progress.begin("in-process plain " + key.sampling().label() + " c=" + key.concurrency() + ofRepeat, 1, false);
        return baseline.run(workload, key.concurrency());
    }

    /** Runs the plan and writes {@code report.md} and the charts into the plan's results folder. */
    public Outcome run() {
        long started = System.nanoTime();
        List<RolloutRequest> prompts = prompts();
        boolean pin = plan.pin() && CoreAffinity.availableCores() >= 2;
        OptionalInt verifyCore = pin ? OptionalInt.of(0) : OptionalInt.empty();
        OptionalInt draftCore = pin ? OptionalInt.of(1) : OptionalInt.empty();
        // the verify core stands in for the verifier's device: nothing but its step thread runs there
        Optional<String> reserved = pin ? CoreAffinity.keepProcessOff(0, CoreAffinity.availableCores())
                .map(why -> "not kept off core 0 (" + why + ")") : Optional.empty();
        Map<CellKey, Workload> workloads = new HashMap<>();
        for (CellKey key : plan.cells()) {
            Workload workload = Workload.of(prompts, plan.epochs(), key.sampling(), plan.maxNewTokens(),
                    key.concurrency());
            workloads.put(key.inMode(RunMode.PLAIN), plan.policySwitch().isPresent()
                    ? workload.namingPolicyFrom(1, CellRunner.SWITCHED_VERSION) : workload);
        }
        List<CellResult> cells = new ArrayList<>();
        Map<CellKey, List<InProcessRun>> inProcess = new HashMap<>();
        Map<Integer, double[]> stepCosts;
        BenchProgress progress = new BenchProgress(err, plan.cells().size() * plan.repeats());
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedKafkaSettings.temporary(), 0, TopicCatalogue.defaults())) {
            CellRunner runner = new CellRunner(plan, stack.clientSettings(), verifyCore, draftCore);
            InProcessPlain baseline = new InProcessPlain(plan, verifyCore);
            warmUp(runner, prompts, progress);
            for (int repeat = 1; repeat <= plan.repeats(); repeat++) {
                String ofRepeat = plan.repeats() > 1 ? " (repeat " + repeat + ")" : "";
                List<CellKey> order = plan.cellsOfRepeat(repeat);
                for (int i = 0; i < order.size(); i++) {
                    CellKey key = order.get(i);
                    Workload workload = workloads.get(key.inMode(RunMode.PLAIN));
                    boolean plain = key.mode() == RunMode.PLAIN;
                    // the bare loop runs next to the pipeline's plain cell, before it where plain opens its group:
                    // the overhead's two sides meet the machine in the same state, and so do plain and the modes
                    boolean baselineFirst = i == 0 || !order.get(i - 1).inMode(RunMode.PLAIN).equals(key);
                    Runnable baselineRun = () -> inProcess.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(runBaseline(baseline, key, workload, ofRepeat, progress));
                    if (plain && baselineFirst) {
                        baselineRun.run();
                    }
                    progress.begin(key + ofRepeat, workload.sequences(), true);
                    cells.add(runner.run(key, workload, progress::show));
                    if (plain && !baselineFirst) {
                        baselineRun.run();
                    }
                }
            }
            progress.begin("step costs", 1, false);
            // fastest verifies up to 2k draft tokens
            stepCosts = StepCosts.measure(plan.targetDir(), List.copyOf(new TreeSet<>(plan.concurrencies())),
                    2 * plan.k() + 1, verifyCore);
        } finally {
            progress.finish();
        }
        BenchResults results = new BenchResults(plan, cells, inProcess, stepCosts,
                setting(prompts, workloads.values().iterator().next(), pin, reserved, cells),
                (System.nanoTime() - started) / 1e9);
        Map<Path, String> charts = new BenchCharts(results).write(plan.outDir());
        Path report = new MarkdownReport(results).write(plan.outDir(), charts);
        return new Outcome(results, report, List.copyOf(charts.keySet()));
    }

    /** What a run produced: its figures, the report and the charts. */
    public record Outcome(BenchResults results, Path report, List<Path> charts) {
    }

    private List<RolloutRequest> prompts() {
        List<RolloutRequest> all = PromptFile.read(plan.prompts(), OptionalInt.empty()).requests();
        return plan.promptLimit() == 0 ? all : all.subList(0, Math.min(plan.promptLimit(), all.size()));
    }

    /**
     * One short run of the richest mode at every concurrency of the plan, under other request ids, so that no
     * measured cell pays for class loading, JIT compilation or ONNX Runtime's first runs at its batch shapes (a cell
     * at one sequence measured after a warm-up at 64 alone took 35 s where it takes 20). Its cells have topics (and
     * drafters' history) of their own, so they leak nothing into the others.
     */
    private void warmUp(CellRunner runner, List<RolloutRequest> prompts, BenchProgress progress) {
        List<RolloutRequest> renamed = prompts.subList(0, Math.min(WARM_UP_PROMPTS, prompts.size())).stream()
                .map(p -> RolloutRequest.newBuilder(p).setRequestId("warm-up/" + p.getRequestId()).build()).toList();
        RunMode mode = plan.modes().contains(RunMode.FASTEST) ? RunMode.FASTEST : plan.modes().get(0);
        for (int concurrency : new TreeSet<>(plan.concurrencies())) {
            Workload workload = Workload.of(renamed, 1, plan.samplings().get(0), OptionalInt.of(WARM_UP_TOKENS),
                    concurrency);
            progress.begin("warm-up c=" + concurrency, workload.sequences(), false);
            runner.run(new CellKey(mode, plan.samplings().get(0), concurrency), workload, progress::show);
        }
    }

    private List<String> setting(List<RolloutRequest> prompts, Workload workload, boolean pinned,
                                 Optional<String> reserved, List<CellResult> cells) {
        List<String> lines = new ArrayList<>();
        lines.add("Run " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ": `" + commandLine + "`");
        lines.add("Machine: " + CoreAffinity.availableCores() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version")
                + " (JIT: " + CoreUse.compilers() + "); ONNX Runtime on the CPU, one intra-op thread per model; no GPU.");
        if (pinned) {
            Set<String> seen = new LinkedHashSet<>();
            cells.forEach(c -> seen.addAll(c.pinning()));
            lines.add("Pinning (one core stands in for one device): the verify step thread — target model, lock-step "
                    + "drafter of coupled, in-verifier n-gram and suffix drafters of fastest — alone on core 0; the "
                    + "draft-service loop — draft models of decoupled and fastest — on core 1; every other thread "
                    + "(the verifier's I/O threads, broker, registry, selector, the trainer's client, the JVM's own) "
                    + "kept off core 0, so on 2 cores they share core 1 with the draft loop. As applied: "
                    + String.join("; ", seen) + reserved.map(why -> "; " + why).orElse("") + ".");
        } else {
            lines.add("Pinning: none (" + (plan.pin() ? "this machine has fewer than 2 cores" : "--no-pin") + ").");
        }
        lines.add("Models: target " + plan.targetDir() + "; coupled and decoupled draft with " + plan.singleDraftDir()
                + "; fastest runs " + plan.draftDirs() + " in draft-service, n-gram and suffix inside the verifier, "
                + "and the selector. k = " + plan.k() + ".");
        lines.add("Workload: " + prompts.size() + " prompts of " + plan.prompts() + " (GRPO groups, "
                + workload.sequencesPerEpoch() + " sequences an epoch) × " + plan.epochs() + " epochs = "
                + workload.sequences() + " sequences per cell; max new tokens "
                + (plan.maxNewTokens().isPresent() ? plan.maxNewTokens().getAsInt() : "as each request says")
                + "; every epoch published at once when the one before it finished.");
        plan.policySwitch().ifPresent(dir -> lines.add("Policy switch: before the second epoch, policy version "
                + CellRunner.SWITCHED_VERSION + " (target " + dir + ") is published and every later request names "
                + "it; the first epoch runs under version 0 (" + plan.targetDir() + "). The drafters keep their "
                + "models; the suffix drafter keeps the first epoch's rollouts. The in-process plain baseline (Kafka "
                + "overhead) decodes every epoch with version 0, so that comparison is approximate here."));
        return lines;
    }
}
