package io.specstream.verify.service;

import io.specstream.draft.DraftTail;
import io.specstream.draft.Drafter;
import io.specstream.draft.SequenceKey;
import io.specstream.draft.service.AssignmentBook;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.verify.DraftCandidates;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.StepOutcome;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every draft a verify step may use, per sequence: the newest tail of each draft-service drafter (from the
 * {@code drafts} topic) and this step's tails of the drafters running inside the verifier, ranked by the request's
 * {@link DrafterAssignment} when there is one. Also remembers what each tail cost to draft, for the acceptance
 * events the selector learns from.
 *
 * <p>In-verifier drafters follow sequences as the coupled loop did: opened on admission, told every commit, forgotten
 * at the finish; each proposes only for the requests whose assignment lists it (all, before any assignment).
 */
final class DraftSources {

    /** A tail and the drafting time spent on it for its sequence, in microseconds (0 unknown). */
    private record Offer(DraftTail tail, long costMicros) {
    }

    private final VerifierDrafting drafting;
    private final AssignmentBook assignments;
    private final Map<SequenceKey, Map<String, Offer>> fromTopic = new HashMap<>();
    private final Map<SequenceKey, Map<String, Offer>> thisStep = new HashMap<>();

    DraftSources(VerifierDrafting drafting) {
        this.drafting = drafting;
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

    /** Starts the in-verifier drafters on newly admitted sequences. */
    void admitted(List<SequenceKey> keys, Map<String, RolloutSpec> specs) {
        for (SequenceKey key : keys) {
            RolloutSpec spec = specs.get(key.requestId());
            for (Drafter drafter : drafting.inVerifier()) {
                drafter.open(key, spec.promptIds(), spec.sampling(), spec.seed());
            }
        }
    }

    /** Lets every in-verifier drafter propose for the active sequences it runs for, timing it. */
    void propose(List<SequenceKey> active) {
        thisStep.clear();
        for (Drafter drafter : drafting.inVerifier()) {
            Map<Integer, List<SequenceKey>> byLength = active.stream()
                    .filter(key -> assignments.runs(key.requestId(), drafter.name()))
                    .collect(Collectors.groupingBy(key -> draftLength(key.requestId())));
            byLength.forEach((k, keys) -> {
                long started = System.nanoTime();
                Map<SequenceKey, DraftTail> tails = drafter.proposeAll(keys, k);
                long perSequence = (System.nanoTime() - started) / 1_000 / keys.size();
                tails.forEach((key, tail) -> thisStep.computeIfAbsent(key, x -> new HashMap<>())
                        .put(tail.drafter(), new Offer(tail, perSequence)));
            });
        }
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

    /** The selector's k for the request, else the configured one (0 for decoupled: the engine's own cap). */
    private int draftLength(String requestId) {
        int assigned = assignments.k(requestId);
        return assigned > 0 ? assigned : drafting.k();
    }

    /** Drafting time of {@code drafter}'s tail for {@code key} this step, 0 if unknown. */
    long costMicros(SequenceKey key, String drafter) {
        Offer offer = thisStep.getOrDefault(key, Map.of()).get(drafter);
        if (offer == null) {
            offer = fromTopic.getOrDefault(key, Map.of()).get(drafter);
        }
        return offer == null ? 0 : offer.costMicros();
    }

    /** Tells the in-verifier drafters what the step committed. */
    void stepped(List<StepOutcome> outcomes) {
        for (StepOutcome outcome : outcomes) {
            for (Drafter drafter : drafting.inVerifier()) {
                // the finishing delta too: a history drafter keeps the whole rollout for the prompt's next epoch
                drafter.onCommitted(outcome.key(), outcome.startPosition(), outcome.tokens());
                if (outcome.finished()) {
                    drafter.forget(outcome.key());
                }
            }
        }
    }

    /** The sequence finished or left this instance: nothing of it is kept. */
    void drop(SequenceKey key) {
        fromTopic.remove(key);
        thisStep.remove(key);
        drafting.inVerifier().forEach(drafter -> drafter.forget(key));
    }

    void dropRequest(String requestId) {
        assignments.forget(requestId);
    }
}
