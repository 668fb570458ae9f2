package io.specstream.bench.measure;

import java.util.List;

/**
 * One finished sequence as the trainer saw it: which, how long, and how long from its epoch's publication until its
 * rollout arrived (read_committed) — the completion time a trainer waits for.
 */
public record SequenceResult(String key, int epoch, List<Integer> tokens, double completionSeconds) {

    public SequenceResult {
        tokens = List.copyOf(tokens);
    }
}
