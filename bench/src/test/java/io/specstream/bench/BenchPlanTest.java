package io.specstream.bench;

import io.specstream.topology.testing.CommandRefusal;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refusals of {@code specstream bench}, each naming the flag and what is allowed. */
class BenchPlanTest {

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

        assertTrue(err.contains("--modes 'turbo' is not valid; allowed values: plain, coupled, decoupled, fastest, plain_every_core"), err);
    }

    private static String repo(String path) {
        return java.nio.file.Path.of(System.getProperty("specstream.repo.dir", "..")).resolve(path).toString();
    }
}
