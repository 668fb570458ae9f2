package io.specstream.contract;

/**
 * One sequence of a request: the n samples of a GRPO group share the request id and differ in sample index.
 * Shared by drafters and the verifier (which depends on this module), so both name a sequence the same way.
 */
public record SequenceKey(String requestId, int sampleIndex) {

    public SequenceKey {
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("requestId must not be blank");
        }
        if (sampleIndex < 0) {
            throw new IllegalArgumentException("sampleIndex must be >= 0, got " + sampleIndex);
        }
    }

    @Override
    public String toString() {
        return requestId + "#" + sampleIndex;
    }
}
