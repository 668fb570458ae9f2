package io.specstream.verify.service;

import io.specstream.contract.AssignmentBook;
import io.specstream.contract.DraftTail;
import io.specstream.contract.Drafter;
import io.specstream.contract.DrafterPool;
import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.verify.DraftCandidates;
import io.specstream.verify.DrafterCost;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.StepOutcome;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.function.Function;

/**
 * Every draft a verify step may use, per sequence: the newest tail of each draft-service drafter (from the
 * {@code draft-batches} topic) and this step's tails of the drafters running inside the verifier, ranked by the request's
 * {@link DrafterAssignment} when there is one. Also remembers what each tail cost to draft, for the acceptance
 * events the selector learns from.
 *
 * <p>In-verifier drafters are driven by a {@link DrafterPool}, as in the coupled loop and draft-service: opened on
 * admission, told every commit, forgotten at the finish; each proposes for every sequence, as much as the goodput
 * controller's plan finds worth it: the assignments narrow draft-service's drafters, not these.
 */
final class DraftSources {

    /** A tail and the drafting time spent on it for its sequence, in microseconds (0 unknown). */
    private record Offer(DraftTail tail, long costMicros) {
    }

    /** Weight of the latest round in a drafter's measured costs. */
    private static final double COST_WEIGHT = 0.5;

    private final VerifierDrafting drafting;
    private final DrafterPool<Drafter> inVerifier;
    private final AssignmentBook assignments;
    private final Map<SequenceKey, Map<String, Offer>> fromTopic = new HashMap<>();
    private final Map<SequenceKey, Map<String, Offer>> thisStep = new HashMap<>();
    /** What each in-verifier drafter costs per sequence, averaged over its rounds. */
    private final Map<String, DrafterCost> costs = new HashMap<>();
    /** The in-verifier drafters that drafted for the last step. */
    private final Set<String> draftedBefore = new HashSet<>();

    DraftSources(VerifierDrafting drafting) {
        this.drafting = drafting;
        this.inVerifier = new DrafterPool<>(drafting.inVerifier());
        this.assignments = drafting.knownDrafters().map(AssignmentBook::new).orElseGet(AssignmentBook::new);
    }

    /** Newest wins per drafter; the engine checks it against what is committed. */
    void offered(SequenceKey key, DraftTail tail, long costMicros) {
        fromTopic.computeIfAbsent(key, k -> new HashMap<>()).put(tail.drafter(), new Offer(tail, costMicros));
    }

    /**
     * Applies the selector's assignment; a malformed one, or one naming a drafter no service runs, is not applied (the
     * request keeps the drafters it had) and its reason comes back for a dead letter. This verifier is the one that
     * reports it: it alone reads every assignment of the requests it runs and knows its own drafters too.
     */
    Optional<String> assigned(String requestId, DrafterAssignment assignment) {
        return drafting.followsAssignments() ? assignments.apply(requestId, assignment) : Optional.empty();
    }

    /**
     * Starts the in-verifier drafters on newly admitted sequences; one they refuse (a prompt longer than a draft
     * model's context, say) is decoded without their drafts.
     */
    void admitted(List<SequenceKey> keys, Function<String, RolloutSpec> specs) {
        if (inVerifier.isEmpty()) {
            return;
        }
        for (SequenceKey key : keys) {
            inVerifier.open(key, specs.apply(key.requestId()).terms());
        }
    }

    /** How much the in-verifier drafters should draft; told what they offered (VerifyEngine's plan). */
    interface DraftPlan {
        /** Tokens a drafter should draft now, at most {@code cap}, given what it costs per sequence. */
        int tokens(String drafter, int cap, DrafterCost cost);

        /** Asked for {@code asked} sequences, the drafter offered tails for {@code usable}. */
        void offered(String drafter, int asked, int usable);
    }

    /**
     * Lets every in-verifier drafter propose for every active sequence it follows, as many tokens as {@code plan} finds
     * worth their drafting time (the longest of the requests' lengths at most), timing it. The selector's assignments
     * do not narrow them: what a drafter inside the verifier costs is verify time, which the goodput controller weighs
     * against what it expects the drafts to earn, per request (DESIGN, speculation control); the selector decides what
     * draft-service spends its own capacity on. One round per drafter and step: the plan is for the whole batch.
     */
    void propose(List<SequenceKey> active, DraftPlan plan) {
        thisStep.clear();
        List<SequenceKey> keys = active.stream().filter(inVerifier::follows).toList();
        int cap = keys.stream().mapToInt(key -> draftLength(key.requestId())).max().orElse(0);
        for (Drafter drafter : inVerifier.drafters()) {
            boolean draftedLastStep = draftedBefore.remove(drafter.name());
            if (keys.isEmpty()) {
                continue;
            }
            int k = plan.tokens(drafter.name(), cap,
                    costs.getOrDefault(drafter.name(), DrafterCost.UNMEASURED).paused(!draftedLastStep));
            if (k < 1) {
                continue;
            }
            DrafterPool.Proposals proposals = DrafterPool.propose(drafter, keys, k);
            plan.offered(drafter.name(), keys.size(), proposals.tails().size());
            draftedBefore.add(drafter.name());
            costs.put(drafter.name(), measured(costs.getOrDefault(drafter.name(), DrafterCost.UNMEASURED),
                    draftedLastStep, proposals.microsPerSequence() * 1_000.0, k));
            proposals.tails().forEach((key, tail) -> thisStep.computeIfAbsent(key, x -> new HashMap<>())
                    .put(tail.drafter(), new Offer(tail, proposals.microsPerSequence())));
        }
    }

    /**
     * {@code cost} after a round of {@code k} tokens that took {@code nanos} per sequence. A round right after
     * another costs about one drafter step more than its tokens (the catch-up on the last commit); one after a pause
     * catches up on everything committed meanwhile: its resume cost. Averaged: one slow round (a GC) must not switch
     * a drafter off until its next probe.
     */
    private static DrafterCost measured(DrafterCost cost, boolean draftedLastStep, double nanos, int k) {
        if (draftedLastStep) {
            return new DrafterCost(averaged(cost.perStep(), nanos / (k + 1)), cost.resume(), false);
        }
        return new DrafterCost(cost.perStep(), averaged(cost.resume(), nanos), false);
    }

    private static double averaged(double old, double fresh) {
        return old == 0 ? fresh : old + COST_WEIGHT * (fresh - old);
    }

    /** The tails for {@code key}: ranked by its assignment when it has one, else the longest valid one wins. */
    DraftCandidates candidates(SequenceKey key) {
        List<DraftTail> tails = new ArrayList<>();
        fromTopic.getOrDefault(key, Map.of()).values().forEach(offer -> tails.add(offer.tail()));
        thisStep.getOrDefault(key, Map.of()).values().forEach(offer -> tails.add(offer.tail()));
        if (tails.isEmpty()) {
            return DraftCandidates.none();
        }
        Optional<List<String>> ranking = assignments.ranking(key.requestId());
        if (ranking.isEmpty()) {
            return DraftCandidates.longestOf(tails, drafting.k());
        }
        List<String> order = ranking.get();
        // unlisted drafters' tails (chunks still on their way) go last: usable, but never ahead of the ranking
        tails.sort(Comparator.comparingInt(tail -> {
            int rank = order.indexOf(tail.drafter());
            return rank < 0 ? order.size() : rank;
        }));
        return DraftCandidates.rankedOf(tails, draftLength(key.requestId()));
    }

    /**
     * How many tokens the in-verifier drafters draft for the request and a step may verify of any tail: the configured
     * length, or the selector's k where it is longer (0 for decoupled: the engine's own cap). The selector's k never
     * shortens it: how much of a draft a step verifies is the goodput controller's choice (DESIGN, speculation
     * control), made on the verifier's own step costs and estimates, which a per-request k set from load could only
     * undercut. Example: configured 8, assignment k 4 → 8; configured 4, assignment k 6 → 6.
     */
    private int draftLength(String requestId) {
        return Math.max(assignments.k(requestId), drafting.k());
    }

    /** Drafting time of each drafter's tail for {@code key} this step, in microseconds (absent: unknown). */
    Map<String, Long> costMicros(SequenceKey key) {
        Map<String, Long> costs = new HashMap<>();
        fromTopic.getOrDefault(key, Map.of()).forEach((drafter, offer) -> costs.put(drafter, offer.costMicros()));
        thisStep.getOrDefault(key, Map.of()).forEach((drafter, offer) -> costs.put(drafter, offer.costMicros()));
        return costs;
    }

    /** Tells the in-verifier drafters what the step committed; the finishing delta too (history drafters keep it). */
    void stepped(List<StepOutcome> outcomes) {
        if (inVerifier.isEmpty()) {
            return;
        }
        for (StepOutcome outcome : outcomes) {
            inVerifier.committed(outcome.key(), outcome.startPosition(), outcome.tokens(), outcome.finished());
        }
    }

    /** The sequence finished or left this instance: nothing of it is kept. */
    void drop(SequenceKey key) {
        fromTopic.remove(key);
        thisStep.remove(key);
        inVerifier.forget(key);
    }

    void dropRequest(String requestId) {
        assignments.forget(requestId);
    }
}
