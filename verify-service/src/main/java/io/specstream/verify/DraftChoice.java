package io.specstream.verify;

import io.specstream.contract.DraftTail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the draft to verify for one sequence among its {@link DraftCandidates} and keeps the other usable ones as
 * alternatives. Every candidate passes {@link DraftValidity} first, so a stale, duplicated or foreign tail can never
 * be chosen, and whichever is chosen the acceptance rule alone decides what is committed (lossless either way).
 *
 * <p>Example: committed [5, 9]; limit 4; candidates ranked [ngram: start 2 [3], suffix: start 1 [9, 3, 3, 8]] →
 * verify ngram's [3]; alternative suffix [3, 3, 8]. Unranked → verify suffix's [3, 3, 8]; alternative ngram [3].
 */
final class DraftChoice {

    /** The draft to verify (empty tokens: none) and the usable tails left unverified. */
    record Chosen(Optional<String> drafter, int[] tokens, List<Usable> others) {
        static final Chosen NOTHING = new Chosen(Optional.empty(), new int[0], List.of());
    }

    /** A candidate's usable part: the tokens for positions committedLength, ... */
    record Usable(String drafter, int[] tokens) {
    }

    private final DraftValidity validity;

    DraftChoice(DraftValidity validity) {
        this.validity = validity;
    }

    Chosen choose(DraftCandidates candidates, int[] committed, int committedLength, int limit) {
        if (candidates.tails().isEmpty()) {
            return Chosen.NOTHING;
        }
        int cap = candidates.maxTokens() > 0 ? Math.min(limit, candidates.maxTokens()) : limit;
        List<Usable> usable = new ArrayList<>(candidates.tails().size());
        for (DraftTail tail : candidates.tails()) {
            validity.usableSuffix(tail, committed, committedLength, cap)
                    .ifPresent(tokens -> usable.add(new Usable(tail.drafter(), tokens)));
        }
        if (usable.isEmpty()) {
            return Chosen.NOTHING;
        }
        int best = 0;
        if (!candidates.ranked()) {
            for (int i = 1; i < usable.size(); i++) {
                if (usable.get(i).tokens().length > usable.get(best).tokens().length) {
                    best = i;
                }
            }
        }
        List<Usable> others = new ArrayList<>(usable);
        Usable chosen = others.remove(best);
        return new Chosen(Optional.of(chosen.drafter()), chosen.tokens(), others);
    }
}
