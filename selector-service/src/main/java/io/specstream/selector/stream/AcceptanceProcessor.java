package io.specstream.selector.stream;

import io.specstream.schemas.avro.AcceptanceBatch;
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
 * Folds each acceptance event of a step's batch into its request's state and forwards an assignment when the choice
 * changes; when every sample of the request has finished, drops the state and forwards a tombstone so the compacted
 * topic forgets the request. A batch holds the requests of one partition, the one its record was written to, so each
 * request's state lives in this task's store as if the events had come one by one keyed by request id. The record
 * timestamp is "now" for heartbeat staleness, so replays decide as the first run did.
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
        for (AcceptanceEvent event : record.value().getEvents()) {
            process(event, record.timestamp());
        }
    }

    private void process(AcceptanceEvent event, long timestamp) {
        metrics.events().increment();
        String requestId = event.getRequestId();
        RequestState state = Optional.ofNullable(requests.get(requestId)).orElseGet(RequestState::empty)
                .record(event, config.decay());
        if (state.allFinished()) {
            requests.delete(requestId);
            context.forward(new Record<String, DrafterAssignment>(requestId, null, timestamp));
            return;
        }
        Optional<Decision> decision = policy.decide(state, load.at(event.getBatchSize(), timestamp));
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
