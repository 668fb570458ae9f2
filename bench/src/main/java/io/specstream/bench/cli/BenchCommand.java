package io.specstream.bench.cli;

import io.specstream.bench.BenchPlan;
import io.specstream.bench.BenchSize;
import io.specstream.bench.Benchmark;
import io.specstream.bench.Sampling;
import io.specstream.topology.cli.EnumFlag;
import io.specstream.topology.cli.ModelDirOption;
import io.specstream.pipeline.cli.RunMode;
import io.specstream.topology.cli.ProgressCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code specstream bench}: the same workload through plain, coupled, decoupled and fastest, greedy and at T = 1,
 * at several concurrencies, in one run; writes {@code report.md} and PNG charts:
 * <pre>
 * specstream bench                       # full size, results/bench/report.md
 * specstream bench --size smoke --out /tmp/bench
 * specstream bench --modes plain,fastest --concurrency 8,64 --epochs 3 --prompts my-prompts.jsonl
 * </pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark plain vs coupled vs decoupled vs fastest (with and without the selector) through the same pipeline; writes a "
                + "Markdown report and PNG charts.")
public final class BenchCommand implements Callable<Integer>, ProgressCommand {

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "full",
            description = "Preset: full (every shipped prompt, 2 epochs, concurrency 1,8,32,64) or smoke (2 prompts, "
                    + "32 tokens, concurrency 1,8; under 2 minutes) (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--modes", paramLabel = "MODES", split = ",",
            defaultValue = "plain,plain_every_core,coupled,decoupled,fastest,fastest_no_selector",
            description = "Modes to compare; plain is required (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--samplings", paramLabel = "S", split = ",", defaultValue = "greedy,t1",
            description = "greedy and/or t1 (temperature 1) (default: ${DEFAULT-VALUE}).")
    List<String> samplings;

    @Option(names = "--concurrency", paramLabel = "N", split = ",",
            description = "Concurrent sequences per verify instance (default: the size's).")
    List<Integer> concurrencies;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the prompts (default: the size's).")
    Integer epochs;

    @Option(names = "--prompts", paramLabel = "FILE", defaultValue = "examples/prompts/rl-math.jsonl",
            description = "JSONL of RolloutRequest records (default: ${DEFAULT-VALUE}).")
    Path prompts;

    @Option(names = "--prompt-limit", paramLabel = "N",
            description = "Use the first N prompts; 0 = all (default: the size's).")
    Integer promptLimit;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "Replaces every request's max_new_tokens (default: the size's; full keeps each request's).")
    Integer maxNewTokens;

    @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "models/target",
            description = "Target model directory (default: ${DEFAULT-VALUE}).")
    Path modelDir;

    @Option(names = "--draft-dirs", paramLabel = "DIRS", split = ",",
            defaultValue = "models/draft-small,models/draft-tiny",
            description = "Draft models; coupled and decoupled use the first, fastest all (default: ${DEFAULT-VALUE}).")
    List<Path> draftDirs;

    @Option(names = "--k", paramLabel = "K", defaultValue = "4",
            description = "Draft tokens per step (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results/bench",
            description = "Results folder: report.md and the charts (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "1",
            description = "Runs of the whole grid; each cell's ratio to plain is the median over them, with its spread "
                    + "(default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--policy-switch", paramLabel = "DIR",
            description = "New weights between RL steps: before the second epoch publish this target model directory "
                    + "as policy version 1, which every later request names; the report gives acceptance per version "
                    + "(default: none; e.g. models/target-v2).")
    Path policySwitch;

    @Option(names = "--no-pin", description = "Leave the verify and draft loops unpinned (default: pinned to cores 0 "
            + "and 1 where the machine has two).")
    boolean noPin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BenchPlan plan = plan();
        PrintWriter stdout = spec.commandLine().getOut();
        Benchmark.Outcome outcome = new Benchmark(plan, spec.commandLine().getErr(), commandLine()).run();
        printSummary(stdout, outcome.report());
        stdout.println("report: " + outcome.report() + " (charts: " + outcome.charts().size() + " PNG files beside it)");
        stdout.flush();
        return 0;
    }

    private BenchPlan plan() {
        try {
            BenchSize preset = BenchSize.parse("--size", size);
            ModelDirOption.require(spec, "--model-dir", modelDir);
            if (policySwitch != null) {
                ModelDirOption.require(spec, "--policy-switch", policySwitch);
            }
            draftDirs.forEach(dir -> ModelDirOption.require(spec, "--draft-dirs", dir));
            if (!Files.isReadable(prompts)) {
                throw new IllegalArgumentException("--prompts " + prompts + " is not a readable file");
            }
            List<RunMode> runModes = modes.stream().map(m -> EnumFlag.parse("--modes", m, RunMode.values())).toList();
            List<Sampling> sampled = samplings.stream().map(s -> Sampling.parse("--samplings", s)).toList();
            return new BenchPlan(runModes, sampled, concurrencies != null ? concurrencies : preset.concurrencies(),
                    epochs != null ? epochs : preset.epochs(), prompts,
                    promptLimit != null ? promptLimit : preset.promptLimit(),
                    maxNewTokens != null ? OptionalInt.of(maxNewTokens) : preset.maxNewTokens(), modelDir, draftDirs, k, out, !noPin,
                    repeats, Optional.ofNullable(policySwitch));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** How this run was asked for, for the report: {@code specstream bench --size smoke}. */
    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        List<String> own = args.contains(spec.name()) ? args.subList(args.indexOf(spec.name()) + 1, args.size()) : args;
        return String.join(" ", Stream.concat(Stream.of("specstream", spec.name()), own.stream()).toList());
    }

    /** The report's summary table, echoed to stdout so a terminal shows the result without opening the file. */
    private static void printSummary(PrintWriter stdout, Path report) {
        try {
            List<String> lines = Files.readAllLines(report);
            int from = lines.indexOf("## Summary");
            for (int i = from; i >= 0 && i < lines.size() && !lines.get(i).startsWith("## Acceptance"); i++) {
                stdout.println(lines.get(i));
            }
        } catch (IOException e) {
            stdout.println("(report unreadable: " + e.getMessage() + ")");
        }
    }
}
