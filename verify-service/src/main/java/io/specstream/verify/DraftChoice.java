package io.specstream.verify;

import io.specstream.contract.DraftTail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleBiFunction;

/**
 * Picks the draft to verify for one sequence among its {@link DraftCandidates} and keeps the other usable ones as
 * alternatives. Every candidate passes {@link DraftValidity} first, so a stale, duplicated or foreign tail can never
 * be chosen, and whichever is chosen the acceptance rule alone decides what is committed (lossless either way).
 *
 * <p>Example: committed [5, 9]; limit 4; candidates ranked [ngram: start 2 [3], suffix: start 1 [9, 3, 3, 8]] →
 * verify ngram's [3]; alternative suffix [3, 3, 8]. Unranked → verify suffix's [3, 3, 8]; alternative ngram [3].
 * Weighed by the goodput controller (ngram's [3] worth 0.9 accepted tokens, suffix's [3, 3, 8] worth 0.6) → ngram's.
 */
final class DraftChoice {

    /** The draft to verify (empty tokens: none) and the usable tails left unverified. */
    record Chosen(Optional<String> drafter, int[] tokens, List<Usable> others) {
        static final Chosen NOTHING = new Chosen(Optional.empty(), new int[0], List.of());

        /**
         * At most {@code max} of the draft verified; cut to nothing, the draft joins the alternatives (still judged
         * against what the step commits, so its acceptance is learnt while it is not verified).
         */
        Chosen cappedAt(int max) {
            if (tokens.length <= max) {
                return this;
            }
            if (max > 0) {
                return new Chosen(drafter, Arrays.copyOf(tokens, max), others);
            }
            List<Usable> all = new ArrayList<>(others.size() + 1);
            all.add(new Usable(drafter.orElseThrow(), tokens));
            all.addAll(others);
            return new Chosen(Optional.empty(), new int[0], all);
        }
    }

    /** A candidate's usable part: the tokens for positions committedLength, ... */
    record Usable(String drafter, int[] tokens) {
    }

    private final DraftValidity validity;

    DraftChoice(DraftValidity validity) {
        this.validity = validity;
    }

    Chosen choose(DraftCandidates candidates, int[] committed, int committedLength, int limit) {
        return choose(candidates, committed, committedLength, limit, Optional.empty());
    }

    /**
     * As above; with {@code worth} (expected accepted tokens of a drafter's first n tokens), the usable tail worth the
     * most is verified, ties going to the ranking (or the longest when unranked).
     */
    Chosen choose(DraftCandidates candidates, int[] committed, int committedLength, int limit,
                  Optional<ToDoubleBiFunction<String, Integer>> worth) {
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
        if (worth.isPresent()) {
            double bestWorth = worth.get().applyAsDouble(usable.get(best).drafter(), usable.get(best).tokens().length);
            for (int i = 0; i < usable.size(); i++) {
                double value = worth.get().applyAsDouble(usable.get(i).drafter(), usable.get(i).tokens().length);
                if (value > bestWorth) {
                    best = i;
                    bestWorth = value;
                }
            }
        }
        List<Usable> others = new ArrayList<>(usable);
        Usable chosen = others.remove(best);
        return new Chosen(Optional.of(chosen.drafter()), chosen.tokens(), others);
    }
}
