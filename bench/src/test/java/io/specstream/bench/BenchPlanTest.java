package io.specstream.bench;

import io.specstream.pipeline.cli.RunMode;
import io.specstream.topology.testing.CommandRefusal;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order a {@code specstream bench} plan runs its cells in, and its refusals, each naming the flag and what is allowed. */
class BenchPlanTest {

    @Test
    void everyOtherRepeatRunsTheCellsInReverseSoThatNoModeAlwaysFollowsPlain() {
        BenchPlan plan = new BenchPlan(List.of(RunMode.PLAIN, RunMode.FASTEST), List.of(Sampling.GREEDY), List.of(1, 8),
                1, Path.of("prompts.jsonl"), 0, OptionalInt.empty(), Path.of("target"), List.of(Path.of("draft")), 4,
                Path.of("out"), true, 3, Optional.empty());
        CellKey plain1 = new CellKey(RunMode.PLAIN, Sampling.GREEDY, 1);
        CellKey plain8 = new CellKey(RunMode.PLAIN, Sampling.GREEDY, 8);
        List<CellKey> forward = List.of(plain1, plain1.inMode(RunMode.FASTEST), plain8, plain8.inMode(RunMode.FASTEST));

        assertEquals(forward, plan.cellsOfRepeat(1));
        assertEquals(List.of(forward.get(3), forward.get(2), forward.get(1), forward.get(0)), plan.cellsOfRepeat(2));
        assertEquals(forward, plan.cellsOfRepeat(3));
    }

    @Test
    void anUnknownSizeIsRefusedWithTheAllowedSizes() {
        String err = CommandRefusal.of("bench", "--size", "huge");

        assertTrue(err.contains("--size 'huge' is not valid; allowed values: full, smoke"), err);
    }

    @Test
    void aPlanWithoutPlainIsRefusedSinceEveryRatioIsTakenAgainstIt() {
        String err = CommandRefusal.of("bench", "--modes", "coupled,fastest", "--model-dir", repo("models/target"),
                "--draft-dirs", repo("models/draft-small"), "--prompts", repo("examples/prompts/rl-math.jsonl"));

        assertTrue(err.contains("--modes [COUPLED, FASTEST] must include plain"), err);
    }

    @Test
    void aConcurrencyBelowOneIsRefused() {
        String err = CommandRefusal.of("bench", "--concurrency", "8,0", "--model-dir", repo("models/target"),
                "--draft-dirs", repo("models/draft-small"), "--prompts", repo("examples/prompts/rl-math.jsonl"));

        assertTrue(err.contains("--concurrency 0 is not valid; allowed values: an integer >= 1"), err);
    }

    @Test
    void anUnknownModeIsRefusedWithTheAllowedModes() {
        String err = CommandRefusal.of("bench", "--modes", "plain,turbo", "--model-dir", repo("models/target"),
                "--draft-dirs", repo("models/draft-small"), "--prompts", repo("examples/prompts/rl-math.jsonl"));

        assertTrue(err.contains("--modes 'turbo' is not valid; allowed values: plain, coupled, decoupled, fastest, fastest_no_selector, plain_every_core"), err);
    }

    private static String repo(String path) {
        return Path.of(System.getProperty("specstream.repo.dir", "..")).resolve(path).toString();
    }
}
