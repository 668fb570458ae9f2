package io.specstream.pipeline;

import io.specstream.verify.CompletedRollout;
import io.specstream.verify.CoupledRollouts;
import io.specstream.verify.DrafterStats;
import io.specstream.verify.Models;
import io.specstream.verify.PlainRollouts;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.TieCheck;
import io.specstream.verify.VerifyEngine;

import io.specstream.contract.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.NgramDrafter;
import io.specstream.draft.SuffixDrafter;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN invariant 1: coupled speculative decoding (a draft model proposes k = 4 tokens, the target verifies) yields
 * exactly what plain target decoding yields, token for token and log-prob for log-prob, greedy and sampled — up to
 * near-ties that float rounding of different batch shapes may flip, which {@link TieCheck} verifies are ties.
 *
 * <p>Besides the two draft models and the model-free n-gram and suffix drafters, a second session of the target itself drafts: its guesses are nearly always
 * right, so most steps accept several tokens and commits of 2..5 tokens, truncation of partly accepted drafts and
 * stops inside an accepted run are all exercised — the shipped draft models may accept little while untrained.
 */
class LosslessSpeculationTest {

    private static final int PROMPTS = 6;
    private static final int SAMPLES = 2;
    private static final int MAX_NEW_TOKENS = 64;
    private static final int K = 4;

    private static DecoderSession target;
    private static TextTokenizer tokenizer;
    private static final Map<String, DecoderSession> drafts = new HashMap<>();
    private static final Map<SamplingParams, List<CompletedRollout>> plainRuns = new HashMap<>();
    private static final Map<SamplingParams, Long> plainNanos = new HashMap<>();

    @BeforeAll
    static void open() {
        target = Models.open("target");
        tokenizer = Models.tokenizer();
        drafts.put("draft-small", Models.open("draft-small"));
        drafts.put("draft-tiny", Models.open("draft-tiny"));
        drafts.put("target", Models.open("target"));
    }

    @AfterAll
    static void close() {
        drafts.values().forEach(DecoderSession::close);
        tokenizer.close();
        target.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (SamplingParams params : List.of(SamplingParams.greedy(), SamplingParams.temperature(1.0),
                new SamplingParams(0.8, 50, 0.95))) {
            for (String drafter : List.of("draft-small", "draft-tiny", "target", NgramDrafter.NAME, SuffixDrafter.NAME)) {
                cases.add(Arguments.of(drafter, params));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void coupledSpeculativeRolloutsEqualPlainTargetDecoding(String drafterModel, SamplingParams params) {
        List<RolloutSpec> specs = specs(params);
        List<CompletedRollout> plain = plain(params, specs);
        long start = System.nanoTime();
        List<CompletedRollout> speculative;
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(K));
             Drafter drafter = drafterFor(drafterModel)) {
            speculative = new CoupledRollouts(engine, drafter, K).run(specs);
        }
        long nanos = System.nanoTime() - start;

        assertEquals(plain.size(), speculative.size());
        TieCheck check = new TieCheck(target);
        for (int i = 0; i < plain.size(); i++) {
            RolloutSpec spec = specs.get(i / SAMPLES);
            check.assertSame(plain.get(i), speculative.get(i), spec);
        }
        report(drafterModel, params, plain, speculative, nanos, check);
        assertTrue(speculative.stream().mapToLong(r -> stats(r, drafterModel).proposed()).sum() > 0,
                "the drafter proposed nothing");
    }

    private static Drafter drafterFor(String name) {
        return switch (name) {
            case NgramDrafter.NAME -> new NgramDrafter(1, 3);
            case SuffixDrafter.NAME -> SuffixDrafter.withDefaults();
            default -> ModelDrafter.withWindowFor(name, drafts.get(name), K);
        };
    }

    private static List<CompletedRollout> plain(SamplingParams params, List<RolloutSpec> specs) {
        return plainRuns.computeIfAbsent(params, p -> {
            long start = System.nanoTime();
            try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(K))) {
                List<CompletedRollout> rollouts = new PlainRollouts(engine).run(specs);
                plainNanos.put(p, System.nanoTime() - start);
                return rollouts;
            }
        });
    }

    private static List<RolloutSpec> specs(SamplingParams params) {
        List<RolloutSpec> specs = new ArrayList<>();
        List<String> prompts = Models.prompts(PROMPTS);
        for (int i = 0; i < prompts.size(); i++) {
            specs.add(RolloutSpec.greedy("lossless-" + i, Models.prompt(tokenizer, prompts.get(i)), SAMPLES, MAX_NEW_TOKENS)
                    .withSampling(params, 1000 + i));
        }
        return specs;
    }

    private static DrafterStats stats(CompletedRollout rollout, String drafter) {
        return rollout.drafters().getOrDefault(drafter, DrafterStats.NONE);
    }

    private static void report(String drafter, SamplingParams params, List<CompletedRollout> plain,
                               List<CompletedRollout> speculative, long nanos, TieCheck check) {
        long tokens = speculative.stream().mapToLong(CompletedRollout::responseTokens).sum();
        long steps = 0;
        long proposed = 0;
        long accepted = 0;
        for (CompletedRollout rollout : speculative) {
            DrafterStats s = stats(rollout, drafter);
            steps += s.verifySteps();
            proposed += s.proposed();
            accepted += s.accepted();
        }
        long plainTokens = plain.stream().mapToLong(CompletedRollout::responseTokens).sum();
        System.out.printf("lossless %s %s: %d sequences, %d tokens, ties %d; drafted steps %d, proposed %d, accepted %d "
                        + "(%.2f accepted per verify step); plain %.0f tok/s, coupled %.0f tok/s%n",
                drafter, params, speculative.size(), tokens, check.ties(), steps, proposed, accepted,
                steps == 0 ? 0.0 : (double) accepted / steps,
                plainTokens / (plainNanos.get(params) / 1e9), tokens / (nanos / 1e9));
    }
}
