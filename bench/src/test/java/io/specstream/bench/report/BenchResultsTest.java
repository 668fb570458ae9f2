package io.specstream.bench.report;

import io.specstream.bench.BenchPlan;
import io.specstream.bench.CellKey;
import io.specstream.bench.Sampling;
import io.specstream.bench.measure.AcceptanceLog;
import io.specstream.bench.measure.CellResult;
import io.specstream.bench.measure.CoreUse;
import io.specstream.bench.measure.PolicyAcceptance;
import io.specstream.bench.measure.InProcessRun;
import io.specstream.verify.service.VerifierPhase;
import io.specstream.verify.service.VerifierTime;
import io.specstream.bench.measure.SequenceResult;
import io.specstream.bench.measure.SequenceStep;
import io.specstream.pipeline.cli.RunMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchResultsTest {

    private static final BenchPlan PLAN = new BenchPlan(List.of(RunMode.PLAIN, RunMode.COUPLED, RunMode.FASTEST),
            List.of(Sampling.GREEDY), List.of(8), 1, Path.of("prompts.jsonl"), 0, OptionalInt.empty(),
            Path.of("target"), List.of(Path.of("draft")), 4, Path.of("out"), true, 1, Optional.empty());
    private static final CellKey PLAIN = new CellKey(RunMode.PLAIN, Sampling.GREEDY, 8);

    /**
     * Plain: 2 sequences of 3 tokens in 2 s (1.5 s of it the forward); coupled the same in 1 s; fastest in 1.5 s with
     * one sequence changed. In-process plain: 1.6 s, 1.2 s of it the forward.
     */
    private final BenchResults results = new BenchResults(PLAN, List.of(
            cell(RunMode.PLAIN, 2.0, List.of(1, 2, 3), List.of(4, 5, 6)),
            cell(RunMode.COUPLED, 1.0, List.of(1, 2, 3), List.of(4, 5, 6)),
            cell(RunMode.FASTEST, 1.5, List.of(1, 2, 3), List.of(4, 5, 7))),
            Map.of(PLAIN, List.of(new InProcessRun(1.6, 1.2, 1))), Map.of(8, new double[] {1, 1.3, 1.54, 1.8, 1.97}), List.of(), 10);

    @Test
    void aSpeedupIsTheThroughputRatioToTheSameSamplingAndConcurrencyInTheBaseMode() {
        CellKey fastest = PLAIN.inMode(RunMode.FASTEST);

        assertEquals(2.0 / 1.5, results.speedup(fastest, RunMode.PLAIN).getAsDouble(), 1e-12);
        assertEquals(1.0 / 1.5, results.speedup(fastest, RunMode.COUPLED).getAsDouble(), 1e-12);
        assertTrue(results.speedup(fastest, RunMode.DECOUPLED).isEmpty(), "decoupled did not run");
    }

    @Test
    void sequencesWhoseTokensDifferFromPlainAreCounted() {
        assertEquals(0, results.differingFromPlain(PLAIN.inMode(RunMode.COUPLED)));
        assertEquals(1, results.differingFromPlain(PLAIN.inMode(RunMode.FASTEST)));
    }

    @Test
    void theKafkaOverheadIsPipelinePlainOverInProcessPlainMinusOne() {
        assertEquals(2.0 / 1.6 - 1, results.kafkaOverhead(Sampling.GREEDY, 8).getAsDouble(), 1e-12);
        assertTrue(results.kafkaOverhead(Sampling.T1, 8).isEmpty());
    }

    @Test
    void theForwardSlowdownIsThePipelinesForwardOverTheBareLoopsMinusOne() {
        assertEquals(1.5 / 1.2 - 1, results.forwardSlowdown(Sampling.GREEDY, 8).getAsDouble(), 1e-12);
        assertTrue(results.forwardSlowdown(Sampling.T1, 8).isEmpty());
    }

    @Test
    void theOverheadAtEqualForwardIsThePipelineOverTheBareLoopWithThePipelinesForwardTime() {
        // pipeline 2.0 s, forward 1.5 s; bare 1.6 s, forward 1.2 s → bare at the pipeline's forward 0.4 + 1.5 = 1.9 s
        assertEquals(2.0 / 1.9 - 1, results.kafkaOverheadAtEqualForward(Sampling.GREEDY, 8).getAsDouble(), 1e-12);
        assertTrue(results.kafkaOverheadAtEqualForward(Sampling.T1, 8).isEmpty());
    }

    private static CellResult cell(RunMode mode, double seconds, List<Integer> first, List<Integer> second) {
        return cell(mode, seconds, first, second, List.of());
    }

    private static CellResult cell(RunMode mode, double seconds, List<Integer> first, List<Integer> second,
                                   List<SequenceStep> steps) {
        return new CellResult(PLAIN.inMode(mode), seconds, List.of(new SequenceResult("r#0", 0, first, seconds / 2),
                new SequenceResult("r#1", 0, second, seconds)), new AcceptanceLog(steps, 0, 1), 1, seconds / 2,
                new VerifierTime(Map.of(VerifierPhase.FORWARD, 0.75 * seconds)), List.of(), PolicyAcceptance.none(),
                CoreUse.NONE);
    }

    @Test
    void aCellsLimitIsTheBestDraftLengthsTokensPerStepOverItsRelativeCost() {
        BenchResults drafted = new BenchResults(PLAN, List.of(cell(RunMode.FASTEST, 1.0, List.of(1), List.of(2),
                // per-token acceptance 8 / (8 + 2) = 0.8
                List.of(new SequenceStep("suffix", 4, 4, 5, 0), new SequenceStep("suffix", 4, 3, 5, 0),
                        new SequenceStep("suffix", 4, 1, 5, 0)))),
                Map.of(), Map.of(8, new double[] {1, 1.3, 1.54, 1.8, 1.97}), List.of(), 1);

        BenchResults.Limit limit = drafted.limit(PLAIN.inMode(RunMode.FASTEST)).orElseThrow();

        assertEquals(0.8, limit.acceptance(), 1e-12);
        assertEquals(4, limit.draftTokens());
        assertEquals((1 + 0.8 + 0.64 + 0.512 + 0.4096) / 1.97, limit.speedup(), 1e-12);
    }

    @Test
    void aCellWithoutVerifiedDraftsHasNoLimit() {
        assertTrue(results.limit(PLAIN).isEmpty());
    }

    @Test
    void withRepeatsARatioIsTheMedianOfTheRepeatsRatiosAndItsSpreadHalfTheirRangeOverIt() {
        BenchPlan thrice = new BenchPlan(PLAN.modes(), PLAN.samplings(), PLAN.concurrencies(), 1, PLAN.prompts(), 0,
                OptionalInt.empty(), PLAN.targetDir(), PLAN.draftDirs(), 4, PLAN.outDir(), true, 3, Optional.empty());
        // plain 2.0 s, 1.0 s, 2.0 s; coupled 1.0 s, 1.0 s, 2.5 s → ratios 2.0, 1.0, 0.8
        BenchResults repeated = new BenchResults(thrice, List.of(
                cell(RunMode.PLAIN, 2.0, List.of(1, 2, 3), List.of(4, 5, 6)),
                cell(RunMode.COUPLED, 1.0, List.of(1, 2, 3), List.of(4, 5, 6)),
                cell(RunMode.PLAIN, 1.0, List.of(1, 2, 3), List.of(4, 5, 6)),
                cell(RunMode.COUPLED, 1.0, List.of(1, 2, 3), List.of(4, 5, 6)),
                cell(RunMode.PLAIN, 2.0, List.of(1, 2, 3), List.of(4, 5, 6)),
                cell(RunMode.COUPLED, 2.5, List.of(1, 2, 3), List.of(4, 5, 6))),
                Map.of(), Map.of(), List.of(), 1);
        CellKey coupled = PLAIN.inMode(RunMode.COUPLED);

        assertEquals(1.0, repeated.speedup(coupled, RunMode.PLAIN).getAsDouble(), 1e-12);
        assertEquals((2.0 - 0.8) / 2 / 1.0, repeated.speedupSpread(coupled, RunMode.PLAIN).getAsDouble(), 1e-12);
        assertEquals(1.0, repeated.cell(coupled).orElseThrow().makespanSeconds(), 1e-12, "the median run stands for the cell");
        assertTrue(results.speedupSpread(coupled, RunMode.PLAIN).isEmpty(), "one run has no spread");
    }

    @Test
    void withRepeatsTheKafkaOverheadPairsEachPipelineCellWithTheBareLoopOfItsRepeat() {
        // pipeline 2.2 s, then 3.0 s; bare loop 2.0 s, then 2.5 s → ratios 1.1 and 1.2; unpaired, 3.0 / 2.0 would read +50 %
        BenchResults repeated = twoRepeats();

        assertEquals(0.15, repeated.kafkaOverhead(Sampling.GREEDY, 8).getAsDouble(), 1e-12);
        assertEquals((1.2 - 1.1) / 2 / 1.15, repeated.kafkaOverheadSpread(Sampling.GREEDY, 8).getAsDouble(), 1e-12);
        assertEquals(2.0, repeated.inProcessPlain(Sampling.GREEDY, 8).orElseThrow().seconds(), 1e-12,
                "the median run stands for the bare loop");
        assertTrue(results.kafkaOverheadSpread(Sampling.GREEDY, 8).isEmpty(), "one run has no spread");
    }

    @Test
    void withRepeatsTheOverheadAtEqualForwardPairsEachPipelineCellWithTheBareLoopOfItsRepeat() {
        // pipeline 2.2 s (forward 1.65 s) then 3.0 s (forward 2.25 s); bare loop 2.0 s (forward 1.0 s) then 2.5 s
        // (forward 1.5 s): both bare runs spent 1.0 s outside the forward → ratios 2.2 / 2.65 and 3.0 / 3.25
        BenchResults repeated = twoRepeats();

        assertEquals((2.2 / 2.65 + 3.0 / 3.25) / 2 - 1,
                repeated.kafkaOverheadAtEqualForward(Sampling.GREEDY, 8).getAsDouble(), 1e-12);
    }

    @Test
    void withRepeatsTheBareLoopsForwardSpreadIsHalfItsRangeOverItsMedian() {
        // bare forward 1.0 s and 1.5 s
        assertEquals(0.25 / 1.25, twoRepeats().bareForwardSpread(Sampling.GREEDY, 8).getAsDouble(), 1e-12);
        assertTrue(results.bareForwardSpread(Sampling.GREEDY, 8).isEmpty(), "one run has no spread");
    }

    /** Two repeats of plain at greedy, 8: pipeline 2.2 s then 3.0 s; bare loop 2.0 s (1.0 s forward) then 2.5 s (1.5 s). */
    private static BenchResults twoRepeats() {
        BenchPlan twice = new BenchPlan(PLAN.modes(), PLAN.samplings(), PLAN.concurrencies(), 1, PLAN.prompts(), 0,
                OptionalInt.empty(), PLAN.targetDir(), PLAN.draftDirs(), 4, PLAN.outDir(), true, 2, Optional.empty());
        return new BenchResults(twice, List.of(
                cell(RunMode.PLAIN, 2.2, List.of(1), List.of(2)),
                cell(RunMode.PLAIN, 3.0, List.of(1), List.of(2))),
                Map.of(PLAIN, List.of(new InProcessRun(2.0, 1.0, 1), new InProcessRun(2.5, 1.5, 1))), Map.of(), List.of(), 1);
    }
}
