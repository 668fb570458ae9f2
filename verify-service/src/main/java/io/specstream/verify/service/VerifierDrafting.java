package io.specstream.verify.service;

import io.specstream.contract.Drafter;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a {@link VerifyLoop} gets its drafts: drafters it calls itself before every step ({@code inVerifier}: a
 * draft model for coupled decoding, or model-free drafters that cost microseconds and need no topic hop), tails
 * from the {@code draft-batches} topic (draft-service), and whether the selector's assignments pick among them.
 *
 * <pre>{@code
 * VerifierDrafting.plain();                                         // no drafts at all
 * VerifierDrafting.coupled(modelDrafter, 4);                         // lock step, no topics
 * VerifierDrafting.decoupled();                                      // draft-batches only
 * VerifierDrafting.fastest(List.of(ngram, suffix), 4);               // both, ranked by the selector
 * VerifierDrafting.fastest(List.of(ngram, suffix), 4).withoutSelector(); // both, weighed by the verifier alone
 * VerifierDrafting.fastest(List.of(ngram), 4)
 *         .withDraftServiceDrafters(Set.of("draft-small"));          // ... and assignments naming others refused
 * }</pre>
 *
 * <p>{@code draftServiceDrafters}: the drafters draft-service runs, when the one starting the verifier knows them;
 * only then can an assignment naming a drafter that no service runs be told apart and refused (a dead letter).
 */
public record VerifierDrafting(List<Drafter> inVerifier, int k, boolean readsDraftsTopic, boolean followsAssignments,
                               Optional<Set<String>> draftServiceDrafters) {

    public VerifierDrafting {
        inVerifier = List.copyOf(inVerifier);
        draftServiceDrafters = draftServiceDrafters.map(Set::copyOf);
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

    /** Plain decoding: no drafter here, no draft-batches, no selector. */
    public static VerifierDrafting plain() {
        return new VerifierDrafting(List.of(), 0, false, false, Optional.empty());
    }

    /** The coupled baseline: {@code drafter} proposes {@code k} tokens per active sequence before each step. */
    public static VerifierDrafting coupled(Drafter drafter, int k) {
        return new VerifierDrafting(List.of(drafter), k, false, false, Optional.empty());
    }

    /** The decoupled slice: tails from draft-service only, the newest valid one per sequence verified. */
    public static VerifierDrafting decoupled() {
        return new VerifierDrafting(List.of(), 0, true, false, Optional.empty());
    }

    /** Fastest-of-N: {@code inVerifier} drafters here, the rest in draft-service, the selector ranking them all. */
    public static VerifierDrafting fastest(List<Drafter> inVerifier, int k) {
        return new VerifierDrafting(inVerifier, k, true, true, Optional.empty());
    }

    /** The same, knowing that draft-service runs exactly {@code names}. */
    public VerifierDrafting withDraftServiceDrafters(Set<String> names) {
        return new VerifierDrafting(inVerifier, k, readsDraftsTopic, followsAssignments, Optional.of(names));
    }

    /**
     * The same drafters with no selector ranking them: no assignments read, no acceptance published; every drafter
     * drafts for every request and the goodput controller weighs their tails on the verifier's own estimates.
     */
    public VerifierDrafting withoutSelector() {
        return new VerifierDrafting(inVerifier, k, readsDraftsTopic, false, draftServiceDrafters);
    }

    /** Whether any draft can reach the verifier (every mode but plain). */
    public boolean drafts() {
        return !inVerifier.isEmpty() || readsDraftsTopic;
    }

    /** Whether the verifier reads hint topics (draft batches or the selector's assignments). */
    boolean readsHints() {
        return readsDraftsTopic || followsAssignments;
    }

    /** Every drafter of the deployment (here and in draft-service), or empty while draft-service's are not known. */
    Optional<Set<String>> knownDrafters() {
        return draftServiceDrafters.map(remote -> {
            Set<String> all = new HashSet<>(remote);
            inVerifier.forEach(drafter -> all.add(drafter.name()));
            return all;
        });
    }
}
