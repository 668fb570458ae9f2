package io.specstream.verify;

import io.specstream.contract.DraftTail;

import java.util.List;
import java.util.Optional;

/**
 * The tails offered for one sequence at one verify step, and how to pick among them (DESIGN, Fastest-of-N): when
 * {@code ranked}, the first usable tail in list order is verified (the selector's ranking); otherwise the longest
 * usable one. {@code maxTokens} caps the verified draft below the engine's own cap (the selector's k); 0 means no
 * cap of its own.
 *
 * <p>Example: tails [suffix: 6 usable tokens, draft-small: 3 usable] unranked → suffix is verified; ranked as
 * [draft-small, suffix] → draft-small is verified and suffix is reported as an alternative.
 */
public record DraftCandidates(List<DraftTail> tails, boolean ranked, int maxTokens) {

    private static final DraftCandidates NONE = new DraftCandidates(List.of(), false, 0);

    public DraftCandidates {
        tails = List.copyOf(tails);
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0 (0 = no cap), got " + maxTokens);
        }
    }

    public static DraftCandidates none() {
        return NONE;
    }

    /** At most one tail: the single-drafter pipelines. */
    public static DraftCandidates of(Optional<DraftTail> tail) {
        return tail.map(t -> new DraftCandidates(List.of(t), false, 0)).orElse(NONE);
    }

    /** The longest usable of {@code tails} is verified, at most {@code maxTokens} of it (0 = engine cap). */
    public static DraftCandidates longestOf(List<DraftTail> tails, int maxTokens) {
        return new DraftCandidates(tails, false, maxTokens);
    }

    /** The first usable of {@code tails} (best first), verifying at most {@code maxTokens} (0 = engine cap). */
    public static DraftCandidates rankedOf(List<DraftTail> tails, int maxTokens) {
        return new DraftCandidates(tails, true, maxTokens);
    }
}
