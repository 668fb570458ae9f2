package io.specstream.verify;

import io.specstream.contract.RequestTerms;
import io.specstream.inference.model.ModelConfig;
import io.specstream.inference.sampling.SamplingParams;

import java.util.Arrays;
import java.util.List;

/**
 * What a rollout request asks for: {@code samples} sequences (a GRPO group) continuing {@code promptIds}, each up
 * to {@code maxNewTokens}, stopping at the model's EOS, at any of {@code stopTokenIds}, or once the response text
 * contains any of {@code stopStrings}; tokens drawn with {@code sampling}, noise keyed on
 * (seed, requestId, sample index, position).
 *
 * <p>The constructor refuses what is wrong for any model; {@link #checkAgainst(ModelConfig)} what is wrong for
 * the one that will run it (prompt too long, ids outside the vocabulary).
 */
public record RolloutSpec(
        String requestId,
        int[] promptIds,
        int samples,
        int maxNewTokens,
        int[] stopTokenIds,
        List<String> stopStrings,
        SamplingParams sampling,
        long seed) {

    public RolloutSpec {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("request id must not be blank");
        }
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("request " + requestId + ": the prompt is empty; it needs at least one token");
        }
        if (samples <= 0) {
            throw new IllegalArgumentException("request " + requestId + ": n_samples=" + samples + " is not valid; allowed values: an integer >= 1");
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("request " + requestId + ": max_new_tokens=" + maxNewTokens + " is not valid; allowed values: an integer >= 1");
        }
        if (sampling == null) {
            throw new IllegalArgumentException("request " + requestId + ": sampling params are missing");
        }
        stopTokenIds = stopTokenIds == null ? new int[0] : stopTokenIds.clone();
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        promptIds = promptIds.clone();
        for (int id : promptIds) {
            if (id < 0) {
                throw new IllegalArgumentException("request " + requestId + ": prompt_token_ids holds " + id + ", which is negative; allowed values: [0, vocabulary size)");
            }
        }
        for (int id : stopTokenIds) {
            if (id < 0) {
                throw new IllegalArgumentException("request " + requestId + ": stop_token_ids holds " + id + ", which is negative; allowed values: [0, vocabulary size)");
            }
        }
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("request " + requestId + ": a stop string is empty; stop strings must hold at least one character");
        }
    }

    /** What a drafter needs to follow the request's sequences: prompt, group size and sampling rule. */
    public RequestTerms terms() {
        return new RequestTerms(promptIds, samples, sampling, seed);
    }

    /** Greedy request with no stop tokens or strings; handy for tests and benchmarks. */
    public static RolloutSpec greedy(String requestId, int[] promptIds, int samples, int maxNewTokens) {
        return new RolloutSpec(requestId, promptIds, samples, maxNewTokens, new int[0], List.of(), SamplingParams.greedy(), 0);
    }

    public RolloutSpec withSampling(SamplingParams params, long newSeed) {
        return new RolloutSpec(requestId, promptIds, samples, maxNewTokens, stopTokenIds, stopStrings, params, newSeed);
    }

    public RolloutSpec withStops(int[] tokenIds, List<String> strings) {
        return new RolloutSpec(requestId, promptIds, samples, maxNewTokens, tokenIds, strings, sampling, seed);
    }

    /**
     * Refuses a prompt that leaves no room for a response, a max_new_tokens no sequence could ever reach (more than
     * the whole context: reaching the end of the context is a normal {@code CONTEXT_FULL} finish, but asking for
     * more than the context holds is a mistake), and prompt or stop token ids outside the model's vocabulary.
     */
    public void checkAgainst(ModelConfig model) {
        if (maxNewTokens > model.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("request " + requestId + ": max_new_tokens=" + maxNewTokens
                    + " is not valid; allowed values: 1 to " + model.maxPositionEmbeddings()
                    + " (the model's max_position_embeddings)");
        }
        if (promptIds.length >= model.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("request " + requestId + ": the prompt of " + promptIds.length
                    + " tokens leaves no room for a response: max_position_embeddings=" + model.maxPositionEmbeddings()
                    + ", so a prompt may hold at most " + (model.maxPositionEmbeddings() - 1) + " tokens");
        }
        for (int id : promptIds) {
            if (id >= model.vocabSize()) {
                throw new IllegalArgumentException("request " + requestId + ": prompt_token_ids holds " + id
                        + ", which is outside the vocabulary; allowed values: [0, " + model.vocabSize() + ")");
            }
        }
        for (int id : stopTokenIds) {
            if (id >= model.vocabSize()) {
                throw new IllegalArgumentException("request " + requestId + ": stop_token_ids holds " + id
                        + ", which is outside the vocabulary; allowed values: [0, " + model.vocabSize() + ")");
            }
        }
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] stopTokenIds() {
        return stopTokenIds.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RolloutSpec that && requestId.equals(that.requestId)
                && Arrays.equals(promptIds, that.promptIds) && samples == that.samples
                && maxNewTokens == that.maxNewTokens && Arrays.equals(stopTokenIds, that.stopTokenIds)
                && stopStrings.equals(that.stopStrings) && sampling.equals(that.sampling) && seed == that.seed;
    }

    @Override
    public int hashCode() {
        return requestId.hashCode() * 31 + Arrays.hashCode(promptIds);
    }

    @Override
    public String toString() {
        return "RolloutSpec[" + requestId + ", prompt " + promptIds.length + " tokens, n=" + samples
                + ", max " + maxNewTokens + ", " + sampling + ", seed " + seed + "]";
    }
}
