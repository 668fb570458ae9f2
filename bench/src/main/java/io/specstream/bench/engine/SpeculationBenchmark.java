package io.specstream.bench.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.draft.ModelDrafter;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.CoupledRollouts;
import io.specstream.verify.DrafterStats;
import io.specstream.verify.PlainRollouts;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain target decoding against coupled speculative decoding on the example prompts, on CPU with one intra-op
 * thread: response tokens per second and mean accepted draft tokens per verify step, greedy and sampled.
 * Besides the draft models, the target itself drafts ("self"): the upper bound of acceptance.
 *
 * <pre>
 * java -cp ... io.specstream.bench.engine.SpeculationBenchmark [models-dir] [prompts] [samples] [max-new-tokens] [k]
 * </pre>
 * Defaults: models, 16 prompts, 2 samples, 64 new tokens, k = 4. One warm-up run precedes each measurement.
 */
public final class SpeculationBenchmark {

    private SpeculationBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path models = Path.of(args.length > 0 ? args[0] : "models");
        int promptCount = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int maxNew = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int k = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        InferenceOptions options = InferenceOptions.cpu(1);
        VerifyConfig config = new VerifyConfig(64, 512, k, models.resolve("target"), options);
        ModelDirectory targetDir = ModelDirectory.open(models.resolve("target"));
        try (DecoderSession target = DecoderSession.open(targetDir, options);
             TextTokenizer tokenizer = TextTokenizer.open(targetDir.tokenizerFile())) {
            PromptEncoder encoder = new PromptEncoder(tokenizer, targetDir.config());
            List<String> prompts = prompts(models.resolveSibling("examples").resolve("prompts").resolve("rl-math.jsonl"), promptCount);
            System.out.printf("%d prompts x %d samples, max %d new tokens, k=%d, cpu, 1 intra-op thread%n",
                    prompts.size(), samples, maxNew, k);
            for (SamplingParams params : List.of(SamplingParams.greedy(), new SamplingParams(0.8, 50, 0.95))) {
                List<RolloutSpec> specs = new ArrayList<>();
                for (int i = 0; i < prompts.size(); i++) {
                    specs.add(RolloutSpec.greedy("bench-" + i, encoder.encode(prompts.get(i)), samples, maxNew)
                            .withSampling(params, 100 + i));
                }
                plain(target, tokenizer, config, specs); // warm-up
                long start = System.nanoTime();
                List<CompletedRollout> plain = plain(target, tokenizer, config, specs);
                print(params, "plain", plain, System.nanoTime() - start, null);
                for (String drafterModel : List.of("draft-small", "draft-tiny", "target")) {
                    String name = drafterModel.equals("target") ? "self" : drafterModel;
                    try (DecoderSession draft = DecoderSession.open(ModelDirectory.open(models.resolve(drafterModel)), options)) {
                        coupled(target, tokenizer, config, specs, draft, name, k); // warm-up
                        long begin = System.nanoTime();
                        List<CompletedRollout> coupled = coupled(target, tokenizer, config, specs, draft, name, k);
                        print(params, "coupled " + name, coupled, System.nanoTime() - begin, name);
                    }
                }
            }
        }
    }

    private static List<CompletedRollout> plain(DecoderSession target, TextTokenizer tokenizer, VerifyConfig config,
                                                List<RolloutSpec> specs) {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, config)) {
            return new PlainRollouts(engine).run(specs);
        }
    }

    private static List<CompletedRollout> coupled(DecoderSession target, TextTokenizer tokenizer, VerifyConfig config,
                                                  List<RolloutSpec> specs, DecoderSession draft, String name, int k) {
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, config);
             ModelDrafter drafter = ModelDrafter.withWindowFor(name, draft, k)) {
            return new CoupledRollouts(engine, drafter, k).run(specs);
        }
    }

    private static void print(SamplingParams params, String label, List<CompletedRollout> rollouts, long nanos, String drafter) {
        long tokens = rollouts.stream().mapToLong(CompletedRollout::responseTokens).sum();
        long steps = 0;
        long accepted = 0;
        for (CompletedRollout rollout : rollouts) {
            DrafterStats stats = drafter == null ? DrafterStats.NONE : rollout.drafters().getOrDefault(drafter, DrafterStats.NONE);
            steps += stats.verifySteps();
            accepted += stats.accepted();
        }
        System.out.printf("%-44s %-18s %6d tokens %8.0f tokens/s%s%n", params, label, tokens, tokens / (nanos / 1e9),
                drafter == null ? "" : String.format("  %.2f accepted per verify step", steps == 0 ? 0.0 : (double) accepted / steps));
    }

    private static List<String> prompts(Path file, int count) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> prompts = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && prompts.size() < count) {
                prompts.add(json.readTree(line).get("prompt_text").asText());
            }
        }
        return prompts;
    }
}
