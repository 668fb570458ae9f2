package io.specstream.draft.service;

import io.specstream.schemas.avro.DrafterAssignment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest {@link DrafterAssignment} per request, as read from the compacted {@code assignments} topic, and what
 * it means for a drafter (DESIGN, Fastest-of-N). No assignment — the selector has no evidence yet, or the selector
 * is not running — means the default: every drafter runs and the longest valid tail is verified.
 *
 * <p>Example: {@code {drafters: [suffix, draft-small], primary: suffix, k: 6}} → suffix and draft-small run,
 * draft-tiny does not; the verifier tries suffix's tail first, at most 6 tokens of it.
 */
public final class AssignmentBook {

    private final Map<String, DrafterAssignment> byRequest = new HashMap<>();

    /** Applies one record of the topic; a null value (tombstone) forgets the request. */
    public void apply(String requestId, DrafterAssignment assignment) {
        if (assignment == null) {
            byRequest.remove(requestId);
        } else {
            byRequest.put(requestId, assignment);
        }
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
