package io.specstream.inference.sampling;

import java.nio.charset.StandardCharsets;

/**
 * What the sampling noise of one token is keyed on: (seed, request, sample index, position). Nothing about the
 * batch, the step or drafts enters, so the same key always yields the same draw.
 *
 * <p>{@code position} is the index of the token being chosen in the whole sequence (prompt included), e.g. the
 * first generated token after a 12-token prompt has position 12.
 */
public record NoiseKey(long seed, long requestKey, int sampleIndex, int position) {

    /** Keys a request by its id string (FNV-1a 64 over the UTF-8 bytes, so it is stable across JVMs). */
    public static NoiseKey of(long seed, String requestId, int sampleIndex, int position) {
        return new NoiseKey(seed, requestKey(requestId), sampleIndex, position);
    }

    public static long requestKey(String requestId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    public NoiseKey atPosition(int newPosition) {
        return new NoiseKey(seed, requestKey, sampleIndex, newPosition);
    }
}
