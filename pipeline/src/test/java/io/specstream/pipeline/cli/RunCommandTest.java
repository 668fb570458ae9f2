package io.specstream.pipeline.cli;

import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.cli.SpecStreamCli;
import io.specstream.topology.json.JsonRecordCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code specstream run} end to end: real embedded broker, registry and models, in every mode. */
class RunCommandTest {

    private static final int MAX_NEW_TOKENS = 32;
    private final JsonRecordCodec codec = new JsonRecordCodec();

    @TempDir
    Path dir;

    @Test
    void everyModeWritesOneLinePerSampleAndTheSameRollouts() throws IOException {
        Path prompts = smallPromptsFile();
        int expected = 10;

        List<Rollout> plain = run("plain", prompts);
        List<Rollout> coupled = run("coupled", prompts);
        List<Rollout> decoupled = run("decoupled", prompts);
        List<Rollout> fastest = run("fastest", prompts);
        List<Rollout> withoutSelector = run("fastest_no_selector", prompts);

        assertEquals(expected, plain.size(), "plain: one line per sample");
        assertEquals(expected, coupled.size(), "coupled: one line per sample");
        assertEquals(expected, decoupled.size(), "decoupled: one line per sample");
        assertSameRollouts(plain, coupled, "coupled");
        assertSameRollouts(plain, decoupled, "decoupled");
        assertEquals(expected, fastest.size(), "fastest: one line per sample");
        assertSameRollouts(plain, fastest, "fastest");
        assertEquals(expected, withoutSelector.size(), "fastest_no_selector: one line per sample");
        assertSameRollouts(plain, withoutSelector, "fastest_no_selector");
        assertTrue(plain.stream().allMatch(r -> r.getResponseTokenIds().size() <= MAX_NEW_TOKENS),
                "--max-new-tokens caps every response");
    }

    @Test
    void plainOnEveryCoreSharesThePromptsBetweenTwoInstancesAndGivesPlainRollouts() throws IOException {
        Path prompts = smallPromptsFile();

        List<Rollout> plain = run("plain", prompts);
        List<Rollout> everyCore = run("plain_every_core", prompts);

        assertEquals(10, everyCore.size(), "plain_every_core: one line per sample");
        assertSameRollouts(plain, everyCore, "plain_every_core");
    }

    /**
     * Every offered draft verified ({@code --step-width widest}): with the default goodput controller a loaded 2-core
     * CI machine may measure wide steps too dear to take at all, and coupled then rightly verifies no draft (one CI run
     * did), so that what this test checks, the drafter wired inside the verifier, would hang on the machine's timing.
     */
    @Test
    void coupledModeDraftsInsideTheVerifierAndPlainModeDoesNot() throws IOException {
        Path prompts = smallPromptsFile();

        List<Rollout> plain = run("plain", prompts);
        List<Rollout> coupled = run("coupled", prompts, "--step-width", "widest");

        assertEquals(0, acceptedDraftTokens(plain), "plain mode verifies no drafts");
        assertTrue(acceptedDraftTokens(coupled) > 0, "the lock-step draft-small drafter had tokens accepted");
        assertSameRollouts(plain, coupled, "coupled, every draft verified");
    }

    @Test
    void anUnknownStepWidthIsRefusedNamingTheFlagAndTheAllowedValues() {
        String err = refused("--step-width", "auto");

        assertTrue(err.contains("--step-width 'auto' is not valid; allowed values: goodput, widest"), err);
    }

    @Test
    void anUnknownModelFreeDrafterIsRefusedNamingTheFlagAndTheAllowedValues() {
        String err = refused("--model-free", "ngram,sufix");

        assertTrue(err.contains("--model-free 'sufix' is not valid; allowed values: a comma-separated list "
                + "of ngram,suffix, or none"), err);
    }

    @Test
    void anUnknownModeIsRefusedNamingTheFlagAndTheAllowedValues() {
        String err = refused("--mode", "fast");

        assertTrue(err.contains("--mode 'fast' is not valid; allowed values: plain, coupled, decoupled, fastest, "
                + "fastest_no_selector, plain_every_core"), err);
    }

    /** Runs {@code specstream run} with {@code flags}, checks it exited with 2 and wrote no rollouts; its stderr. */
    private String refused(String... flags) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = SpecStreamCli.commandLine();
        commandLine.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(List.of("run", "--out", dir.resolve("never.jsonl").toString()));
        args.addAll(List.of(flags));

        int exit = commandLine.execute(args.toArray(String[]::new));

        assertEquals(2, exit, err.toString());
        assertTrue(Files.notExists(dir.resolve("never.jsonl")));
        return err.toString();
    }

    private List<Rollout> run(String mode, Path prompts, String... flags) throws IOException {
        Path out = dir.resolve(mode + ".jsonl");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine commandLine = SpecStreamCli.commandLine();
        commandLine.setOut(new PrintWriter(stdout));
        commandLine.setErr(new PrintWriter(stderr));

        List<String> args = new ArrayList<>(List.of("run", "--prompts", prompts.toString(), "--out", out.toString(),
                "--model-dir", models().resolve("target").toString(),
                "--draft-model-dir", models().resolve("draft-small") + "," + models().resolve("draft-tiny"),
                "--mode", mode, "--max-new-tokens", String.valueOf(MAX_NEW_TOKENS)));
        args.addAll(List.of(flags));
        int exit = commandLine.execute(args.toArray(String[]::new));

        assertEquals(0, exit, mode + " failed: " + stderr);
        assertTrue(stdout.toString().contains("mode " + mode + ": 10 sequences"), stdout.toString());
        List<Rollout> rollouts = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            rollouts.add(codec.fromJson(line, Rollout.class));
        }
        rollouts.sort(Comparator.comparing((Rollout r) -> r.getRequestId().toString())
                .thenComparingInt(Rollout::getSampleIndex));
        return rollouts;
    }

    private static void assertSameRollouts(List<Rollout> expected, List<Rollout> actual, String mode) {
        for (int i = 0; i < expected.size(); i++) {
            Rollout want = expected.get(i);
            Rollout got = actual.get(i);
            String sequence = mode + " " + want.getRequestId() + "#" + want.getSampleIndex();
            assertEquals(want.getRequestId(), got.getRequestId(), sequence);
            assertEquals(want.getSampleIndex(), got.getSampleIndex(), sequence);
            assertEquals(want.getResponseTokenIds(), got.getResponseTokenIds(), sequence + " tokens");
            assertArrayEquals(floats(want.getLogprobs()), floats(got.getLogprobs()), 1e-5f, sequence + " logprobs");
        }
    }

    private static long acceptedDraftTokens(List<Rollout> rollouts) {
        return rollouts.stream().flatMap(r -> r.getDrafterStats().stream()).mapToLong(s -> s.getAccepted()).sum();
    }

    private static float[] floats(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    /** The first 4 shipped prompts with 2 samples each, plus a sampled one (temperature 0.8, a seed). */
    private Path smallPromptsFile() throws IOException {
        List<String> shipped = Files.readAllLines(models().resolveSibling("examples").resolve("prompts/rl-math.jsonl"),
                StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (String line : shipped.subList(0, 4)) {
            RolloutRequest request = codec.fromJson(line, RolloutRequest.class);
            request.setNSamples(2);
            lines.add(codec.toJson(request));
        }
        RolloutRequest sampled = codec.fromJson(shipped.get(4), RolloutRequest.class);
        sampled.setRequestId("sampled-0");
        sampled.setNSamples(2);
        sampled.setTemperature(0.8f);
        sampled.setSeed(20261123L);
        lines.add(codec.toJson(sampled));
        Path file = dir.resolve("prompts.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static Path models() {
        String configured = System.getProperty("specstream.models.dir");
        return (configured != null ? Path.of(configured) : Path.of("..", "models")).toAbsolutePath().normalize();
    }
}
