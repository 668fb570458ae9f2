package io.specstream.contract;

import io.specstream.schemas.avro.DrafterAssignment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The latest {@link DrafterAssignment} per request, as read from the compacted {@code assignments} topic, and what
 * it means for a drafter (DESIGN, Fastest-of-N). No assignment — the selector has no evidence yet, or the selector
 * is not running — means the default: every drafter runs and the longest valid tail is verified.
 *
 * <p>Example: {@code {drafters: [suffix, draft-small], primary: suffix, k: 6}} → suffix and draft-small run,
 * draft-tiny does not; the verifier tries suffix's tail first and drafters inside it draft 6 tokens (or the verifier's
 * own longer length: its goodput controller decides how many a step verifies).
 */
public final class AssignmentBook {

    private final Map<String, DrafterAssignment> byRequest = new HashMap<>();
    private final Optional<Set<String>> known;

    /** A book that takes any drafter name (the names are judged where every drafter is known). */
    public AssignmentBook() {
        this.known = Optional.empty();
    }

    /** A book that refuses assignments naming a drafter outside {@code knownDrafters}. */
    public AssignmentBook(Set<String> knownDrafters) {
        this.known = Optional.of(Set.copyOf(knownDrafters));
    }

    /**
     * Applies one record of the topic; a null value (tombstone) forgets the request. A malformed assignment (k &lt; 1,
     * a blank drafter name) or one naming an unknown drafter is not applied — the request keeps the assignment it had —
     * and the reason comes back, e.g. {@code assignment for request r7: k=0 is not valid; allowed values: an integer >= 1}.
     */
    public Optional<String> apply(String requestId, DrafterAssignment assignment) {
        if (assignment == null) {
            byRequest.remove(requestId);
            return Optional.empty();
        }
        Optional<String> refusal = refusal(requestId, assignment);
        if (refusal.isEmpty()) {
            byRequest.put(requestId, assignment);
        }
        return refusal;
    }

    private Optional<String> refusal(String requestId, DrafterAssignment assignment) {
        String prefix = "assignment for request " + requestId + ": ";
        if (assignment.getK() < 1) {
            return Optional.of(prefix + "k=" + assignment.getK() + " is not valid; allowed values: an integer >= 1");
        }
        List<String> named = new ArrayList<>(assignment.getDrafters());
        if (assignment.getPrimary() != null) {
            named.add(assignment.getPrimary());
        }
        for (String drafter : named) {
            if (drafter.isBlank()) {
                return Optional.of(prefix + "a drafter name is blank; allowed values: the name of a running drafter"
                        + known.map(names -> " " + new TreeSet<>(names)).orElse(""));
            }
            if (known.isPresent() && !known.get().contains(drafter)) {
                return Optional.of(prefix + "drafter '" + drafter + "' is not run by any service; allowed values: "
                        + new TreeSet<>(known.get()));
            }
        }
        return Optional.empty();
    }

    public void forget(String requestId) {
        byRequest.remove(requestId);
    }

    /** Whether {@code drafter} should draft for {@code requestId}: listed, or no assignment yet. */
    public boolean runs(String requestId, String drafter) {
        DrafterAssignment assignment = byRequest.get(requestId);
        return assignment == null || assignment.getDrafters().isEmpty() || assignment.getDrafters().contains(drafter)
                || drafter.equals(assignment.getPrimary());
    }

    /** The drafters best first (the primary, then the listed ones), or empty while the request has no assignment. */
    public Optional<List<String>> ranking(String requestId) {
        DrafterAssignment assignment = byRequest.get(requestId);
        if (assignment == null) {
            return Optional.empty();
        }
        List<String> ranked = new ArrayList<>();
        if (assignment.getPrimary() != null) {
            ranked.add(assignment.getPrimary());
        }
        assignment.getDrafters().stream().filter(name -> !ranked.contains(name)).forEach(ranked::add);
        return Optional.of(ranked);
    }

    /** The draft length the selector chose for the request; 0 when it chose none. */
    public int k(String requestId) {
        DrafterAssignment assignment = byRequest.get(requestId);
        return assignment == null ? 0 : Math.max(0, assignment.getK());
    }

    public int size() {
        return byRequest.size();
    }
}
