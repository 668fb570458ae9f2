package io.specstream.selector.state;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DraftAlternative;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the selector keeps per request (in a store with a changelog, so a restart restores it).
 *
 * @param drafters        estimate per drafter name, sorted by name
 * @param finishedSamples sample indexes whose last step was seen
 * @param groupSize       samples in the request's group, the largest reported; 0 while unknown
 * @param emitted         the last choice written to the assignments topic; null before the first
 */
public record RequestState(Map<String, DrafterEstimate> drafters, Set<Integer> finishedSamples, int groupSize,
                           Choice emitted) {

    public RequestState {
        drafters = Map.copyOf(drafters);
        finishedSamples = Set.copyOf(finishedSamples);
    }

    public static RequestState empty() {
        return new RequestState(Map.of(), Set.of(), 0, null);
    }

    /**
     * The state after {@code events}, in order: in each, the verified drafter and every alternative count as one
     * observation (an alternative's {@code agreed} is what it would have had accepted), and a sample's end is noted.
     * The maps are copied once per call, not once per event (a batch holds every step of the last 20 ms or so: 64
     * sequences' events each).
     */
    public RequestState recordAll(List<AcceptanceEvent> events, double decay) {
        Map<String, DrafterEstimate> updated = new TreeMap<>(drafters);
        Set<Integer> finished = new TreeSet<>(finishedSamples);
        int group = groupSize;
        for (AcceptanceEvent event : events) {
            if (event.getDrafter() != null) {
                observe(updated, event.getDrafter(), decay, event.getProposed(), event.getAccepted(),
                        event.getDraftCostMicros());
            }
            for (DraftAlternative alternative : event.getAlternatives()) {
                observe(updated, alternative.getDrafter(), decay, alternative.getProposed(),
                        alternative.getAgreed(), alternative.getDraftCostMicros());
            }
            if (event.getFinished()) {
                finished.add(event.getSampleIndex());
            }
            group = Math.max(group, event.getGroupSize());
        }
        return new RequestState(updated, finished, group, emitted);
    }

    /** True once every sample has finished; an unknown group size (0) counts as one sample. */
    public boolean allFinished() {
        return finishedSamples.size() >= Math.max(1, groupSize);
    }

    public RequestState withEmitted(Choice choice) {
        return new RequestState(drafters, finishedSamples, groupSize, choice);
    }

    public Optional<Choice> lastEmitted() {
        return Optional.ofNullable(emitted);
    }

    private static void observe(Map<String, DrafterEstimate> estimates, String drafter, double decay, int proposed,
                                int accepted, long costMicros) {
        estimates.put(drafter, estimates.getOrDefault(drafter, DrafterEstimate.NONE)
                .observe(decay, proposed, accepted, costMicros));
    }
}
