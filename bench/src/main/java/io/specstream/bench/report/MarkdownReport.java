package io.specstream.bench.report;

import io.specstream.bench.CellKey;
import io.specstream.bench.Sampling;
import io.specstream.bench.measure.AcceptanceLog.DrafterFigures;
import io.specstream.bench.measure.CellRunner;
import io.specstream.bench.measure.CoreUse;
import io.specstream.bench.measure.InProcessRun;
import io.specstream.verify.service.VerifierTime;
import io.specstream.verify.service.VerifierPhase;
import io.specstream.pipeline.cli.RunMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code report.md}: what ran where, the summary table (throughput, makespan, completion times, drafted steps,
 * verifier idle, speedups over plain and coupled, sequences differing from plain), acceptance per drafter, the
 * Kafka overhead, and the charts.
 */
public final class MarkdownReport {

    public static final String FILE_NAME = "report.md";

    private final BenchResults results;

    public MarkdownReport(BenchResults results) {
        this.results = results;
    }

    /** Writes the report into {@code dir} beside the charts already there; returns its path. */
    public Path write(Path dir, Map<Path, String> charts) {
        List<String> lines = new ArrayList<>();
        lines.add("# SpecStream benchmark");
        lines.add("");
        results.setting().forEach(line -> lines.add("- " + line));
        lines.add(String.format(Locale.ROOT, "- Whole benchmark: %.0f s wall time.", results.wallSeconds()));
        lines.add("");
        summary(lines);
        acceptance(lines);
        acceptanceByPolicy(lines);
        limits(lines);
        selectorWorth(lines);
        overhead(lines);
        verifierTime(lines);
        coreUse(lines);
        lines.add("## Charts");
        lines.add("");
        charts.forEach((file, caption) -> {
            lines.add("![" + caption + "](" + file.getFileName() + ")");
            lines.add("");
        });
        Path report = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            Files.write(report, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
        return report;
    }

    private void summary(List<String> lines) {
        lines.add("## Summary");
        lines.add("");
        lines.add("Throughput is response tokens over the makespan (first prompt published to last rollout read, "
                + "read_committed); completion time is a sequence's wait from its epoch's publication; "
                + "\"drafted\" is the share of sequence-steps that verified a draft, \"on hand\" the share that had a "
                + "valid draft at hand, verified or not (the goodput controller may find a narrower step worth more); "
                + "verifier idle is the share of the "
                + "makespan spent outside forward steps; ratios are against plain and coupled of the same sampling "
                + "and concurrency, from this run (with repeats: the median of each repeat's ratio, ± half their range "
                + "over it); \"× plain, every core\" is against plain_every_core, plain decoding with a verify "
                + "instance on each of the two cores the speculative modes use (data-parallel, each taking up to the "
                + "concurrency's sequences, as a user would run two devices without speculation); \"≠ plain\" counts "
                + "sequences whose tokens differ from plain's.");
        lines.add("");
        lines.add("| sampling | concurrency | mode | tokens/s | makespan s | p50 s | p99 s | drafted | on hand "
                + "| verifier idle | × plain | × plain, every core | × coupled | ≠ plain |");
        lines.add("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (CellKey key : results.plan().cells()) {
            results.cell(key).ifPresent(cell -> lines.add(String.format(Locale.ROOT,
                    "| %s | %d | %s | %,.0f | %.2f | %.2f | %.2f | %.0f %% | %.0f %% | %.0f %% | %s | %s | %s | %d |",
                    key.sampling().label(), key.concurrency(), key.mode().flagValue(), cell.tokensPerSecond(),
                    cell.makespanSeconds(), cell.completionQuantile(0.5), cell.completionQuantile(0.99),
                    100 * cell.steps().draftedShare(), 100 * cell.steps().onHandShare(), 100 * cell.verifierIdleShare(),
                    ratio(results.speedup(key, RunMode.PLAIN)) + spread(results.speedupSpread(key, RunMode.PLAIN)),
                    ratio(results.speedup(key, RunMode.PLAIN_EVERY_CORE))
                            + spread(results.speedupSpread(key, RunMode.PLAIN_EVERY_CORE)),
                    ratio(results.speedup(key, RunMode.COUPLED)),
                    results.differingFromPlain(key))));
        }
        lines.add("");
    }

    private void acceptance(List<String> lines) {
        lines.add("## Acceptance per drafter");
        lines.add("");
        lines.add("Per drafter, over the sequence-steps that verified its draft: tokens proposed and accepted, the "
                + "share accepted, and the mean acceptance length (draft tokens accepted per such step; the step's own "
                + "token comes on top). A drafter the cell ran whose draft no step verified (none arrived usable) "
                + "shows 0 steps.");
        lines.add("");
        lines.add("| sampling | concurrency | mode | drafter | verified steps | proposed | accepted | rate "
                + "| accepted per step |");
        lines.add("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        for (CellKey key : results.plan().cells()) {
            results.cell(key).ifPresent(cell -> {
                Map<String, DrafterFigures> figures = new TreeMap<>();
                results.plan().drafters(key.mode()).forEach(name -> figures.put(name, new DrafterFigures(0, 0, 0)));
                figures.putAll(cell.steps().byDrafter());
                figures.forEach((drafter, f) -> lines.add(acceptanceRow(key, drafter, f)));
            });
        }
        lines.add("");
    }

    /** With a policy switch: per speculative cell, each version's draft tokens verified and accepted. */
    private void acceptanceByPolicy(List<String> lines) {
        if (results.plan().policySwitch().isEmpty()) {
            return;
        }
        lines.add("## Acceptance per policy version");
        lines.add("");
        lines.add("Version 0 decoded the first epoch, version " + CellRunner.SWITCHED_VERSION + " ("
                + results.plan().policySwitch().get() + ") the rest: draft tokens verified and accepted for each "
                + "version's sequences, every drafter together, and tokens committed.");
        lines.add("");
        lines.add("| sampling | concurrency | mode | version | tokens | proposed | accepted | rate |");
        lines.add("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        for (CellKey key : results.plan().cells()) {
            if (!key.mode().drafts()) {
                continue;
            }
            results.cell(key).ifPresent(cell -> cell.byPolicy().byVersion().forEach((version, f) ->
                    lines.add(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.0f | %.0f | %.0f | %.2f |",
                            key.sampling().label(), key.concurrency(), key.mode().flagValue(), version, f.tokens(),
                            f.proposed(), f.accepted(), f.acceptanceRate()))));
        }
        lines.add("");
    }

    private void limits(List<String> lines) {
        lines.add("## Limits and step widths");
        lines.add("");
        lines.add("Each speculative cell's limit on this machine: the speedup over plain that its measured per-token "
                + "acceptance α (accepted draft tokens over accepted plus first rejections) would give with a draft "
                + "on hand for every sequence at every step, free to the verifier, at the best draft length k, from "
                + "the target's measured step costs c(B, 1 + k) / c(B, 1) on the verify core (last rows). Efficiency "
                + "is × plain over the limit. Step widths are the goodput controller's choices: the share of "
                + "sequence-steps taken at each width (1 = plain decoding).");
        lines.add("");
        lines.add("| sampling | concurrency | mode | α | best k | limit | × plain | efficiency | step widths |");
        lines.add("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (CellKey key : results.plan().cells()) {
            if (!key.mode().drafts()) {
                continue;
            }
            results.cell(key).ifPresent(cell -> {
                Optional<BenchResults.Limit> limit = results.limit(key);
                OptionalDouble speedup = results.speedup(key, RunMode.PLAIN);
                lines.add(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |",
                        key.sampling().label(), key.concurrency(), key.mode().flagValue(),
                        limit.map(l -> String.format(Locale.ROOT, "%.2f", l.acceptance())).orElse("–"),
                        limit.map(l -> String.valueOf(l.draftTokens())).orElse("–"),
                        limit.map(l -> String.format(Locale.ROOT, "%.2f×", l.speedup())).orElse("–"),
                        ratio(speedup),
                        limit.filter(l -> speedup.isPresent()).map(l -> String.format(Locale.ROOT, "%.0f %%",
                                100 * speedup.getAsDouble() / l.speedup())).orElse("–"),
                        widths(cell.steps().widthShares())));
            });
        }
        lines.add("");
        lines.add("| concurrency | c(B, w) / c(B, 1) for w = 1, 2, ... |");
        lines.add("| ---: | --- |");
        results.stepCosts().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(row -> lines.add(
                "| " + row.getKey() + " | " + Arrays.stream(row.getValue())
                        .mapToObj(c -> String.format(Locale.ROOT, "%.2f", c)).collect(Collectors.joining(", ")) + " |"));
        lines.add("");
    }

    /** Where both Fastest-of-N modes ran: fastest against the same drafters with no selector ranking them. */
    private void selectorWorth(List<String> lines) {
        if (!results.plan().modes().containsAll(List.of(RunMode.FASTEST, RunMode.FASTEST_NO_SELECTOR))) {
            return;
        }
        lines.add("## What the selector brings");
        lines.add("");
        lines.add("Fastest-of-N with the selector against the same drafters without it (fastest_no_selector: every "
                + "drafter drafts for every request, the verifier's goodput controller weighs their tails on its own "
                + "estimates, no acceptance is published): throughput, the share of sequence-steps that verified a "
                + "draft, and the ratio (with repeats: the median of each repeat's ratio ± half their range).");
        lines.add("");
        lines.add("| sampling | concurrency | fastest tokens/s | without selector tokens/s | fastest drafted "
                + "| without selector drafted | × without selector |");
        lines.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (CellKey key : results.plan().cells()) {
            if (key.mode() != RunMode.FASTEST) {
                continue;
            }
            results.cell(key).ifPresent(with -> results.cell(key.inMode(RunMode.FASTEST_NO_SELECTOR)).ifPresent(
                    without -> lines.add(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.0f %% | %.0f %% | %s |",
                            key.sampling().label(), key.concurrency(), with.tokensPerSecond(),
                            without.tokensPerSecond(), 100 * with.steps().draftedShare(),
                            100 * without.steps().draftedShare(),
                            ratio(results.speedup(key, RunMode.FASTEST_NO_SELECTOR))
                                    + spread(results.speedupSpread(key, RunMode.FASTEST_NO_SELECTOR))))));
        }
        lines.add("");
    }

    private static String spread(OptionalDouble spread) {
        return spread.isPresent() ? String.format(Locale.ROOT, " ± %.0f %%", 100 * spread.getAsDouble()) : "";
    }

    private static String widths(Map<Integer, Double> shares) {
        return shares.entrySet().stream()
                .filter(e -> e.getValue() >= 0.005)
                .map(e -> String.format(Locale.ROOT, "%d: %.0f %%", e.getKey(), 100 * e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String acceptanceRow(CellKey key, String drafter, DrafterFigures f) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %s | %,d | %,d | %,d | %.2f | %.2f |",
                key.sampling().label(), key.concurrency(), key.mode().flagValue(), drafter, f.steps(), f.proposed(),
                f.accepted(), f.acceptanceRate(), f.acceptedPerStep());
    }

    private void overhead(List<String> lines) {
        lines.add("## Kafka overhead");
        lines.add("");
        lines.add("Plain decoding through the pipeline against the same workload decoded in-process by the same "
                + "engine in a bare loop (same batch limit, same core), run right beside the pipeline's plain cell "
                + "of the same repeat so that both meet the machine in the same state: what topics, serdes, polling and "
                + "transactions cost (with repeats: the median of each repeat's ratio ± half their range over it, "
                + "the seconds of the median runs; the in-process forward's ± is how far the bare loop's own "
                + "forward moved over the repeats). The forward columns split it: the batched forward alone, the "
                + "same native computation in both, over about the same number of verify steps (the steps columns; "
                + "in plain decoding both take one sequence-step per response token). Where the pipeline's forward "
                + "is slower, that part of the overhead is not work the pipeline adds but the same forward work "
                + "taking longer: on a shared machine the bare loop's own forward moves from one run to the next "
                + "(its ±), and some of it may be the broker, registry and I/O threads beside it. \"At equal "
                + "forward\" takes the forward's speed out: the pipeline against the bare loop as it would have run "
                + "had its forward taken the pipeline's forward time (its other time + the pipeline's forward), i.e. "
                + "what the pipeline adds around the steps.");
        lines.add("");
        lines.add("| sampling | concurrency | pipeline plain s | in-process plain s | overhead | pipeline forward s "
                + "| in-process forward s | forward slower by | pipeline steps | in-process steps "
                + "| overhead at equal forward |");
        lines.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Sampling sampling : results.plan().samplings()) {
            for (int concurrency : results.plan().concurrencies()) {
                Optional<InProcessRun> inProcess = results.inProcessPlain(sampling, concurrency);
                results.cell(new CellKey(RunMode.PLAIN, sampling, concurrency)).filter(c -> inProcess.isPresent())
                        .ifPresent(cell -> lines.add(String.format(Locale.ROOT,
                                "| %s | %d | %.2f | %.2f | %s%s | %.2f | %.2f%s | %s | %,d | %,d | %s%s |",
                                sampling.label(), concurrency, cell.makespanSeconds(), inProcess.get().seconds(),
                                percent(results.kafkaOverhead(sampling, concurrency)),
                                spread(results.kafkaOverheadSpread(sampling, concurrency)),
                                cell.verifierTime().seconds(VerifierPhase.FORWARD), inProcess.get().forwardSeconds(),
                                spread(results.bareForwardSpread(sampling, concurrency)),
                                percent(results.forwardSlowdown(sampling, concurrency)), cell.verifySteps(),
                                inProcess.get().steps(),
                                percent(results.kafkaOverheadAtEqualForward(sampling, concurrency)),
                                spread(results.kafkaOverheadAtEqualForwardSpread(sampling, concurrency)))));
            }
        }
        lines.add("");
    }

    private void verifierTime(List<String> lines) {
        lines.add("## Where the verifier's time goes");
        lines.add("");
        lines.add("The verify loop's thread, every nanosecond charged to one phase, as shares of its run time: the "
                + "batched forward; admission (prompts decoded and submitted, prefill); drafting (in-verifier "
                + "drafters, draft choice, acceptance); output (records built, serialized and handed to a producer or "
                + "the I/O side); transactions (flushes and commits on the step thread); polling (polls that return "
                + "at once); waiting for prompts with nothing to do (epoch bubbles included). \"Overhead\" is "
                + "output + transactions + polling over the time the verifier had work.");
        lines.add("");
        StringBuilder header = new StringBuilder("| sampling | concurrency | mode | run s |");
        StringBuilder rule = new StringBuilder("| --- | ---: | --- | ---: |");
        for (VerifierPhase phase : VerifierPhase.values()) {
            header.append(' ').append(phase.tag()).append(" |");
            rule.append(" ---: |");
        }
        lines.add(header.append(" overhead |").toString());
        lines.add(rule.append(" ---: |").toString());
        for (CellKey key : results.plan().cells()) {
            results.cell(key).ifPresent(cell -> {
                VerifierTime time = cell.verifierTime();
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %s | %.2f |",
                        key.sampling().label(), key.concurrency(), key.mode().flagValue(), time.totalSeconds()));
                for (VerifierPhase phase : VerifierPhase.values()) {
                    row.append(String.format(Locale.ROOT, " %.1f %% |", 100 * time.share(phase)));
                }
                lines.add(row.append(String.format(Locale.ROOT, " %.1f %% |", 100 * time.overheadOutsideBubbles()))
                        .toString());
            });
        }
        lines.add("");
    }

    private void coreUse(List<String> lines) {
        lines.add("## What used the cores");
        lines.add("");
        lines.add("Per cell, over its makespan, as shares of one core: the verify loops' threads (the verify device's "
                + "work: the forward, drafting inside the verifier, acceptance; two loops in plain_every_core), the "
                + "draft loop's (the draft device's: draft-service's models), the JIT compilers' compiling, and the "
                + "garbage collections (count and seconds). Every service of a cell runs in this one JVM: its "
                + "compilers and collectors are kept off the verify core with the rest, so they take their time from "
                + "the draft core, beside the draft loop, the broker and the I/O threads; a collection stops the "
                + "verify step too, as soon as it leaves the model's native code. No device of a deployment would "
                + "share that work: where the JIT's share is large, the draft loop had that much less of its core.");
        lines.add("");
        lines.add("| sampling | concurrency | mode | makespan s | verify loops | draft loop | JIT | collections | GC s |");
        lines.add("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (CellKey key : results.plan().cells()) {
            results.cell(key).ifPresent(cell -> {
                CoreUse use = cell.coreUse();
                double makespan = Math.max(1e-9, cell.makespanSeconds());
                lines.add(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %.0f %% | %.0f %% | %.0f %% | %d | %.2f |",
                        key.sampling().label(), key.concurrency(), key.mode().flagValue(), cell.makespanSeconds(),
                        100 * use.verifyLoopSeconds() / makespan, 100 * use.draftLoopSeconds() / makespan,
                        100 * use.jitSeconds() / makespan, use.collections(), use.collectionSeconds()));
            });
        }
        lines.add("");
    }

    private static String ratio(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.2f×", value.getAsDouble()) : "–";
    }

    private static String percent(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%+.0f %%", 100 * value.getAsDouble()) : "–";
    }

}
