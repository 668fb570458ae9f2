package io.specstream.verify.service;

import io.specstream.draft.Drafter;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a {@link VerifyLoop} gets its drafts: drafters it calls itself before every step ({@code inVerifier}: a
 * draft model for coupled decoding, or model-free drafters that cost microseconds and need no topic hop), tails
 * from the {@code drafts} topic (draft-service), and whether the selector's assignments pick among them.
 *
 * <pre>{@code
 * VerifierDrafting.coupled(modelDrafter, 4);                         // lock step, no topics
 * VerifierDrafting.decoupled();                                      // drafts topic only
 * VerifierDrafting.fastest(List.of(ngram, suffix), 4);               // both, ranked by the selector
 * }</pre>
 */
public record VerifierDrafting(List<Drafter> inVerifier, int k, boolean readsDraftsTopic, boolean followsAssignments) {

    public VerifierDrafting {
        inVerifier = List.copyOf(inVerifier);
        if (!inVerifier.isEmpty() && k < 1) {
            throw new IllegalArgumentException("draft length k=" + k + " is not valid; allowed values: an integer >= 1");
        }
        Set<String> names = new HashSet<>();
        for (Drafter drafter : inVerifier) {
            if (!names.add(drafter.name())) {
                throw new IllegalArgumentException("drafter '" + drafter.name() + "' is configured twice");
            }
        }
    }

    /** The coupled baseline: {@code drafter} proposes {@code k} tokens per active sequence before each step. */
    public static VerifierDrafting coupled(Drafter drafter, int k) {
        return new VerifierDrafting(List.of(drafter), k, false, false);
    }

    /** The decoupled slice: tails from draft-service only, the newest valid one per sequence verified. */
    public static VerifierDrafting decoupled() {
        return new VerifierDrafting(List.of(), 0, true, false);
    }

    /** Fastest-of-N: {@code inVerifier} drafters here, the rest in draft-service, the selector ranking them all. */
    public static VerifierDrafting fastest(List<Drafter> inVerifier, int k) {
        return new VerifierDrafting(inVerifier, k, true, true);
    }
}
