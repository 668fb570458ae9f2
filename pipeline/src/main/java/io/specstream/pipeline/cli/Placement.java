package io.specstream.pipeline.cli;

import io.specstream.topology.cli.EnumFlag;

/**
 * Where Fastest-of-N runs the model-free drafters: inside the verifier, which already holds every sequence's tokens,
 * its siblings and finished rollouts (no topic hop, microseconds per proposal), or in draft-service beside the
 * draft models (their tails travel the draft-batches topic).
 */
public enum Placement {
    VERIFY, DRAFT;

    public static Placement parse(String flag, String value) {
        return EnumFlag.parse(flag, value, values());
    }

    public String flagValue() {
        return EnumFlag.value(this);
    }
}
