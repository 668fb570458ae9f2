package io.specstream.verify;

import io.specstream.inference.decode.BatchedDecoder;
import io.specstream.inference.decode.PrefilledGroup;
import io.specstream.inference.decode.SequenceId;
import io.specstream.inference.decode.StepRequest;
import io.specstream.inference.model.ModelConfig;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.sampling.NoiseKey;
import io.specstream.inference.sampling.SampledToken;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.sampling.TokenSampler;
import io.specstream.inference.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Continuous batching in the engine (shared prefill, n samples, sequences joining and leaving, a batch cap that
 * makes requests wait) produces what a naive loop gives: one sequence at a time, one token per step.
 */
class PlainEngineMatchesNaiveLoopTest {

    private static final int MAX_NEW_TOKENS = 40;
    private static final SamplingParams SAMPLED = new SamplingParams(0.8, 50, 0.95);

    private static DecoderSession target;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void open() {
        target = Models.open("target");
        tokenizer = Models.tokenizer();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        target.close();
    }

    @Test
    void greedyBatchedRolloutsEqualOneSequenceAtATime() {
        assertEngineMatchesNaive(specs(SamplingParams.greedy()), Models.config(0));
    }

    @Test
    void sampledBatchedRolloutsEqualOneSequenceAtATime() {
        assertEngineMatchesNaive(specs(SAMPLED), Models.config(0));
    }

    @Test
    void requestsWaitingForBatchRoomStillEqualOneSequenceAtATime() {
        VerifyConfig tight = new VerifyConfig(3, 3, 0, Models.root().resolve("target"), Models.config(0).inference());
        assertEngineMatchesNaive(specs(SAMPLED), tight);
    }

    private void assertEngineMatchesNaive(List<RolloutSpec> specs, VerifyConfig config) {
        List<CompletedRollout> batched;
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, config)) {
            batched = new PlainRollouts(engine).run(specs);
        }
        TieCheck check = new TieCheck(target);
        int i = 0;
        for (RolloutSpec spec : specs) {
            for (int s = 0; s < spec.samples(); s++) {
                check.assertSame(naive(spec, s), batched.get(i++), spec);
            }
        }
        assertEquals(i, batched.size());
        System.out.printf("plain engine vs naive loop %s: %d rollouts, %d tokens compared, ties %d%n",
                specs.get(0).sampling(), batched.size(), check.comparedTokens(), check.ties());
    }

    /** One sequence alone, one token per step, stop rule applied by hand; the reference of this test. */
    private CompletedRollout naive(RolloutSpec spec, int sampleIndex) {
        ModelConfig model = target.config();
        TokenSampler sampler = new TokenSampler();
        int[] prompt = spec.promptIds();
        List<SampledToken> tokens = new ArrayList<>();
        FinishReason finish = null;
        try (BatchedDecoder decoder = new BatchedDecoder(target)) {
            PrefilledGroup group = decoder.addGroup(prompt, 1);
            SequenceId id = group.sequences().get(0);
            float[] logits = group.lastLogits();
            while (finish == null) {
                NoiseKey key = NoiseKey.of(spec.seed(), spec.requestId(), sampleIndex, prompt.length + tokens.size());
                SampledToken token = sampler.sample(logits, spec.sampling(), key);
                tokens.add(token);
                if (model.isEos(token.token())) {
                    finish = FinishReason.EOS;
                } else if (tokens.size() == spec.maxNewTokens()) {
                    finish = FinishReason.MAX_TOKENS;
                } else {
                    logits = decoder.step(List.of(StepRequest.of(id, token.token()))).logits(id).row(0);
                }
            }
        }
        int[] ids = tokens.stream().mapToInt(SampledToken::token).toArray();
        return new CompletedRollout(spec.requestId(), sampleIndex, prompt, ids, tokenizer.decode(ids),
                tokens.stream().mapToDouble(SampledToken::rawLogProb).toArray(),
                tokens.stream().mapToDouble(SampledToken::samplingLogProb).toArray(),
                finish, Map.of(), tokens.size() - 1);
    }

    private static List<RolloutSpec> specs(SamplingParams params) {
        List<String> prompts = Models.prompts(5);
        List<RolloutSpec> specs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            specs.add(RolloutSpec.greedy("naive-" + i, Models.prompt(tokenizer, prompts.get(i)), 1 + i % 3, MAX_NEW_TOKENS)
                    .withSampling(params, 77 + i));
        }
        return specs;
    }

    @Test
    void verifyStepsCountOneStepPerTokenAfterTheFirstInPlainDecoding() {
        List<RolloutSpec> specs = specs(SamplingParams.greedy()).subList(0, 2);
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(0))) {
            for (CompletedRollout rollout : new PlainRollouts(engine).run(specs)) {
                assertEquals(rollout.responseTokens() - 1, rollout.verifySteps(), rollout.key() + " " + Arrays.toString(rollout.responseIds()));
            }
        }
    }

    @Test
    void plainRolloutsCountTheEngineStepsOfEveryRun() {
        List<RolloutSpec> one = specs(SamplingParams.greedy()).subList(0, 1);
        try (VerifyEngine engine = new VerifyEngine(target, tokenizer, Models.config(0))) {
            PlainRollouts plain = new PlainRollouts(engine);
            CompletedRollout first = plain.run(one).get(0);
            long afterFirst = plain.steps();
            plain.run(one);

            // alone in the batch, the sequence's verify steps are the engine's steps
            assertEquals(first.verifySteps(), afterFirst);
            assertEquals(2 * afterFirst, plain.steps());
        }
    }
}
