package io.specstream.selector.stream;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DraftAlternative;
import io.specstream.schemas.avro.DraftHeartbeat;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the events the tests feed the selector. {@code step("r1", 2).verified("ngram", 4, 3).alternative("suffix",
 * 4, 1).build()}: request r1 in a verify batch of 2, ngram's tail verified with 3 of 4 accepted, suffix would have
 * had 1 of 4.
 */
public final class AcceptanceEvents {

    private final AcceptanceEvent.Builder event;
    private final List<DraftAlternative> alternatives = new ArrayList<>();

    private AcceptanceEvents(String requestId, int batchSize) {
        event = AcceptanceEvent.newBuilder().setRequestId(requestId).setBatchSize(batchSize).setGroupSize(1);
    }

    public static AcceptanceEvents step(String requestId, int batchSize) {
        return new AcceptanceEvents(requestId, batchSize);
    }

    public AcceptanceEvents verified(String drafter, int proposed, int accepted) {
        event.setDrafter(drafter).setProposed(proposed).setAccepted(accepted);
        return this;
    }

    public AcceptanceEvents alternative(String drafter, int proposed, int agreed) {
        alternatives.add(DraftAlternative.newBuilder().setDrafter(drafter).setProposed(proposed).setAgreed(agreed)
                .build());
        return this;
    }

    public AcceptanceEvents sample(int index, int groupSize, boolean finished) {
        event.setSampleIndex(index).setGroupSize(groupSize).setFinished(finished);
        return this;
    }

    public AcceptanceEvent build() {
        return event.setAlternatives(List.copyOf(alternatives)).build();
    }

    public static DraftHeartbeat heartbeat(String instance, double busyFraction, long timestampMs) {
        return DraftHeartbeat.newBuilder().setInstanceId(instance).setDrafters(List.of("draft-small"))
                .setSequences(8).setBusyFraction(busyFraction).setIntervalMs(1000).setTimestampMs(timestampMs).build();
    }
}
