package io.specstream.inference.decode;

import java.util.List;

/**
 * The n sequences forked from one prompt (computed once) and the logits at the prompt's last position, which all
 * of them share: sample each one's first token from them with its own sample index.
 */
public record PrefilledGroup(List<SequenceId> sequences, float[] lastLogits) {
    public PrefilledGroup {
        sequences = List.copyOf(sequences);
    }
}
