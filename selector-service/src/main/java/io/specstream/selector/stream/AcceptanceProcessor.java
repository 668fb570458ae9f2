package io.specstream.selector.stream;

import io.specstream.schemas.avro.AcceptanceBatch;
import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.selector.SelectorConfig;
import io.specstream.selector.policy.Decision;
import io.specstream.selector.policy.Load;
import io.specstream.selector.policy.SelectionPolicy;
import io.specstream.selector.state.RequestState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds the acceptance events of a batch (a verifier's steps over some milliseconds) into their requests' states and
 * forwards an assignment where a request's choice changed; when every sample of a request has finished, drops its
 * state and forwards a tombstone so the compacted topic forgets the request. A batch holds the requests of one
 * partition, the one its record was written to, so each request's state lives in this task's store as if the events
 * had come one by one keyed by request id. Per batch, each request's state is read, folded with all its events in
 * order, decided on and written once, and the draft load is read once: a batch of 25 steps of one request costs one
 * store round trip (a JSON read and write) and one look at the heartbeats, not 25. The record timestamp is "now" for
 * heartbeat staleness, so replays decide as the first run did.
 */
final class AcceptanceProcessor implements Processor<String, AcceptanceBatch, String, DrafterAssignment> {

    private final SelectorConfig config;
    private final SelectionPolicy policy;
    private final SelectorMetrics metrics;
    private final String requestStoreName;
    private final String heartbeatStoreName;
    private ProcessorContext<String, DrafterAssignment> context;
    private KeyValueStore<String, RequestState> requests;
    private LoadTracker load;

    AcceptanceProcessor(SelectorConfig config, String requestStoreName, String heartbeatStoreName,
                        SelectorMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.policy = new SelectionPolicy(config);
        this.requestStoreName = requestStoreName;
        this.heartbeatStoreName = heartbeatStoreName;
    }

    @Override
    public void init(ProcessorContext<String, DrafterAssignment> context) {
        this.context = context;
        this.requests = context.getStateStore(requestStoreName);
        this.load = new LoadTracker(context.getStateStore(heartbeatStoreName), config.heartbeatStaleness());
    }

    @Override
    public void process(Record<String, AcceptanceBatch> record) {
        if (record.value() == null) {
            return;
        }
        Map<String, List<AcceptanceEvent>> byRequest = new LinkedHashMap<>();
        for (AcceptanceEvent event : record.value().getEvents()) {
            byRequest.computeIfAbsent(event.getRequestId(), id -> new ArrayList<>()).add(event);
        }
        Load draftSide = load.at(0, record.timestamp());
        byRequest.forEach((requestId, events) -> process(requestId, events, draftSide, record.timestamp()));
    }

    /** {@code events}, in order, all of request {@code requestId}. */
    private void process(String requestId, List<AcceptanceEvent> events, Load draftSide, long timestamp) {
        RequestState state = Optional.ofNullable(requests.get(requestId)).orElseGet(RequestState::empty)
                .recordAll(events, config.decay());
        metrics.events().increment(events.size());
        if (state.allFinished()) {
            requests.delete(requestId);
            context.forward(new Record<String, DrafterAssignment>(requestId, null, timestamp));
            return;
        }
        int batchSize = events.get(events.size() - 1).getBatchSize();
        Optional<Decision> decision = policy.decide(state, draftSide.withBatchSize(batchSize));
        if (decision.isPresent() && !state.lastEmitted().equals(Optional.of(decision.get().choice()))) {
            state = state.withEmitted(decision.get().choice());
            context.forward(new Record<>(requestId, assignment(requestId, decision.get()), timestamp));
            metrics.assignments().increment();
        }
        requests.put(requestId, state);
    }

    private DrafterAssignment assignment(String requestId, Decision decision) {
        return DrafterAssignment.newBuilder()
                .setRequestId(requestId)
                .setDrafters(decision.choice().drafters())
                .setPrimary(decision.choice().primary())
                .setK(decision.choice().k())
                .setReason(decision.reason())
                .setUpdatedAtMs(context.currentSystemTimeMs())
                .build();
    }
}
