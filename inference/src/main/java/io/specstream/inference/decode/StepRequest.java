package io.specstream.inference.decode;

/**
 * Tokens to append to one sequence in a step: one for plain decoding, 1 + k to verify a k-token draft
 * (the last sampled token followed by the draft). Logits come back for every one of them.
 */
public record StepRequest(SequenceId sequence, int[] tokens) {

    public StepRequest {
        tokens = tokens.clone();
    }

    public static StepRequest of(SequenceId sequence, int... tokens) {
        return new StepRequest(sequence, tokens);
    }
}
