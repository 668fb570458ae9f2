package io.specstream.verify;

import io.specstream.contract.SequenceKey;

import java.util.Arrays;
import java.util.Map;

/**
 * One finished sequence: what the trainer receives. {@code rawLogProbs[i]} is the target's log softmax (temperature
 * 1, no top-k/top-p) of response token i; {@code samplingLogProbs[i]} the log-probability it was drawn with (0 for
 * greedy). {@code drafters} holds per-drafter statistics; {@code verifySteps} counts batched steps that fed the
 * sequence (the first token, drawn from the prefill, takes none).
 */
public record CompletedRollout(
        String requestId,
        int sampleIndex,
        int[] promptIds,
        int[] responseIds,
        String responseText,
        double[] rawLogProbs,
        double[] samplingLogProbs,
        FinishReason finishReason,
        Map<String, DrafterStats> drafters,
        int verifySteps) {

    public CompletedRollout {
        promptIds = promptIds.clone();
        responseIds = responseIds.clone();
        rawLogProbs = rawLogProbs.clone();
        samplingLogProbs = samplingLogProbs.clone();
        drafters = Map.copyOf(drafters);
    }

    public SequenceKey key() {
        return new SequenceKey(requestId, sampleIndex);
    }

    public int promptTokens() {
        return promptIds.length;
    }

    public int responseTokens() {
        return responseIds.length;
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] responseIds() {
        return responseIds.clone();
    }

    @Override
    public double[] rawLogProbs() {
        return rawLogProbs.clone();
    }

    @Override
    public double[] samplingLogProbs() {
        return samplingLogProbs.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CompletedRollout that && requestId.equals(that.requestId)
                && sampleIndex == that.sampleIndex && Arrays.equals(promptIds, that.promptIds)
                && Arrays.equals(responseIds, that.responseIds) && responseText.equals(that.responseText)
                && Arrays.equals(rawLogProbs, that.rawLogProbs) && Arrays.equals(samplingLogProbs, that.samplingLogProbs)
                && finishReason == that.finishReason && drafters.equals(that.drafters) && verifySteps == that.verifySteps;
    }

    @Override
    public int hashCode() {
        return (requestId.hashCode() * 31 + sampleIndex) * 31 + Arrays.hashCode(responseIds);
    }

    @Override
    public String toString() {
        return "CompletedRollout[" + requestId + "#" + sampleIndex + ", " + responseIds.length + " tokens, "
                + finishReason + ", " + verifySteps + " verify steps, " + drafters + "]";
    }
}
