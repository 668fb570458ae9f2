package io.specstream.selector.policy;

import java.util.OptionalDouble;

/**
 * The load signals behind one decision.
 *
 * @param batchSize        sequences in the verify batch that produced the event (the verifier's load)
 * @param draftBusy        mean busy fraction over the fresh draft-service heartbeats; empty when there are none
 * @param draftInstances   how many fresh heartbeats that mean covers
 */
public record Load(int batchSize, OptionalDouble draftBusy, int draftInstances) {

    /** The same draft side at a verify batch of {@code size}. */
    public Load withBatchSize(int size) {
        return new Load(size, draftBusy, draftInstances);
    }

    public static Load verifyOnly(int batchSize) {
        return new Load(batchSize, OptionalDouble.empty(), 0);
    }

    public static Load of(int batchSize, double draftBusy) {
        return new Load(batchSize, OptionalDouble.of(draftBusy), 1);
    }
}
