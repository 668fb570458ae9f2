package io.specstream.selector.stream;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.selector.SelectorConfig;
import io.specstream.selector.policy.Decision;
import io.specstream.selector.policy.SelectionPolicy;
import io.specstream.selector.state.RequestState;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds each acceptance event into its request's state and forwards an assignment when the choice changes; when
 * every sample of the request has finished, drops the state and forwards a tombstone so the compacted topic forgets
 * the request. The event's record timestamp is "now" for heartbeat staleness, so replays decide as the first run did.
 */
final class AcceptanceProcessor implements Processor<String, AcceptanceEvent, String, DrafterAssignment> {

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
    public void process(Record<String, AcceptanceEvent> record) {
        AcceptanceEvent event = record.value();
        if (event == null) {
            return;
        }
        metrics.events().increment();
        String requestId = event.getRequestId();
        RequestState state = Optional.ofNullable(requests.get(requestId)).orElseGet(RequestState::empty)
                .record(event, config.decay());
        if (state.allFinished()) {
            requests.delete(requestId);
            context.forward(new Record<String, DrafterAssignment>(requestId, null, record.timestamp()));
            return;
        }
        Optional<Decision> decision = policy.decide(state, load.at(event.getBatchSize(), record.timestamp()));
        if (decision.isPresent() && !state.lastEmitted().equals(Optional.of(decision.get().choice()))) {
            state = state.withEmitted(decision.get().choice());
            context.forward(new Record<>(requestId, assignment(requestId, decision.get()), record.timestamp()));
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
