package io.specstream.contract;

import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.RolloutRequest;

/**
 * What both the verifier and a drafter read from a {@link RolloutRequest}: prompt ids, group size and sampling rule.
 * Shared so that both sides encode a text prompt identically (BOS included) and draw with the same noise.
 *
 * <p>Example: {@code prompt_text "Q: 2+2?"}, n 2, T 0.8, seed 7 → ids {@code [BOS, ...]}, samples 2,
 * {@code SamplingParams(0.8, top_k, top_p)}, seed 7. Text wins when both text and ids are given; an empty text
 * counts as none.
 */
public record RequestTerms(int[] promptIds, int samples, SamplingParams sampling, long seed) {

    public RequestTerms {
        promptIds = promptIds.clone();
    }

    /** Reads {@code request}; refuses one with no or an empty prompt or impossible sampling parameters, naming the field. */
    public static RequestTerms of(RolloutRequest request, PromptEncoder encoder) {
        int[] ids;
        // an empty text is no prompt: encoded it would be the BOS alone, a "prompt" the trainer never wrote
        if (request.getPromptText() != null && !request.getPromptText().isEmpty()) {
            ids = encoder.encode(request.getPromptText());
        } else if (!request.getPromptTokenIds().isEmpty()) {
            ids = request.getPromptTokenIds().stream().mapToInt(Integer::intValue).toArray();
        } else if (request.getPromptText() != null) {
            throw new IllegalArgumentException("request " + request.getRequestId()
                    + ": the prompt is empty (prompt_text is \"\" and prompt_token_ids is []); allowed values: a"
                    + " non-empty prompt_text or at least one prompt_token_ids");
        } else {
            throw new IllegalArgumentException("request " + request.getRequestId()
                    + ": neither prompt_text nor prompt_token_ids is given; one of them is required");
        }
        SamplingParams sampling;
        try {
            sampling = new SamplingParams(request.getTemperature(), request.getTopK(), request.getTopP());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("request " + request.getRequestId() + ": " + e.getMessage(), e);
        }
        return new RequestTerms(ids, request.getNSamples(), sampling, request.getSeed());
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }
}
