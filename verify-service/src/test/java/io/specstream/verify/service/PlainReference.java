package io.specstream.verify.service;

import io.specstream.inference.text.TextTokenizer;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.FinishReason;
import io.specstream.verify.PlainRollouts;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.VerifyEngine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What the target alone gives for some requests — computed in-process, built without the service's own translation
 * of requests — and the check that the rollouts a pipeline wrote equal it token for token.
 */
public final class PlainReference {

    /**
     * Log-probs agree to 1e-5 relative to their size (plus 1e-5): float32 logits computed over another shape — a
     * batch of other sequences, or a resumed sequence's prompt and prefix in one prefill instead of token by token —
     * round differently. A resumed sequence at T = 1 showed -3.2039977 against -3.2039859 (1.2e-5, 3.7e-6 relative).
     */
    public static final double LOG_PROB_TOLERANCE = 1e-5;

    private PlainReference() {
    }

    /** Plain decoding of {@code requests} (greedy, or plain temperature sampling with the request's seed). */
    public static List<CompletedRollout> of(VerifyEngine engine, PromptEncoder encoder, List<RolloutRequest> requests) {
        return new PlainRollouts(engine).run(specs(encoder, requests));
    }

    /** As {@link #of}, on a target engine and tokenizer of its own, closed before it returns. */
    public static List<CompletedRollout> computed(List<RolloutRequest> requests) {
        return computed(requests, PipelineFixture.models().resolve("target"));
    }

    /** As {@link #computed(List)}, with the target model in {@code modelDir} (a policy version's). */
    public static List<CompletedRollout> computed(List<RolloutRequest> requests, Path modelDir) {
        try (TextTokenizer tokenizer = PipelineFixture.tokenizer();
             VerifyEngine engine = VerifyEngine.open(PipelineFixture.verifyConfig(4).withModelDir(modelDir))) {
            return of(engine, PipelineFixture.encoder(tokenizer), requests);
        }
    }

    /** The engine's view of {@code requests}, one spec per request, in order. */
    public static List<RolloutSpec> specs(PromptEncoder encoder, List<RolloutRequest> requests) {
        return requests.stream().map(r -> new RolloutSpec(r.getRequestId(),
                encoder.encode(r.getPromptText()), r.getNSamples(), r.getMaxNewTokens(), new int[0], List.of(),
                r.getTemperature() == 0 ? SamplingParams.greedy() : SamplingParams.temperature(r.getTemperature()),
                r.getSeed())).toList();
    }

    /** A rollout as the trainer read it, in the engine's terms, for {@link io.specstream.verify.TieCheck}. */
    public static CompletedRollout completed(Rollout rollout) {
        return new CompletedRollout(rollout.getRequestId(), rollout.getSampleIndex(),
                ints(rollout.getPromptTokenIds()), ints(rollout.getResponseTokenIds()), rollout.getResponseText(),
                doubles(rollout.getLogprobs()), doubles(rollout.getScaledLogprobs()),
                FinishReason.valueOf(rollout.getFinishReason().name()), Map.of(), 0);
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] doubles(List<Float> values) {
        return values.stream().mapToDouble(Float::doubleValue).toArray();
    }

    private static double tolerance(double logProb) {
        return LOG_PROB_TOLERANCE * (1 + Math.abs(logProb));
    }

    /** Exactly the expected sequences, each with the same tokens, log-probs (within 1e-5 relative), finish reason and text. */
    public static void assertSameRollouts(List<CompletedRollout> expected, Map<String, Rollout> rollouts) {
        assertEquals(expected.size(), rollouts.size(), "rollouts read: " + rollouts.keySet());
        for (CompletedRollout reference : expected) {
            String key = reference.requestId() + "#" + reference.sampleIndex();
            Rollout rollout = rollouts.get(key);
            assertNotNull(rollout, "no rollout for " + key);
            assertArrayEquals(reference.responseIds(),
                    rollout.getResponseTokenIds().stream().mapToInt(Integer::intValue).toArray(), key + " tokens");
            double[] raw = reference.rawLogProbs();
            double[] scaled = reference.samplingLogProbs();
            for (int i = 0; i < raw.length; i++) {
                assertEquals(raw[i], rollout.getLogprobs().get(i), tolerance(raw[i]), key + " raw log-prob " + i);
                assertEquals(scaled[i], rollout.getScaledLogprobs().get(i), tolerance(scaled[i]),
                        key + " sampling log-prob " + i);
            }
            assertEquals(reference.finishReason().name(), rollout.getFinishReason().name(), key + " finish reason");
            assertEquals(reference.responseText(), rollout.getResponseText(), key + " text");
        }
    }
}
