package io.specstream.selector.stream;

import io.specstream.schemas.avro.DraftHeartbeat;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest heartbeat per draft-service instance in the global store; an older one arriving late is dropped,
 * a tombstone forgets the instance.
 */
final class HeartbeatStoreUpdater implements Processor<String, DraftHeartbeat, Void, Void> {

    private final String storeName;
    private KeyValueStore<String, DraftHeartbeat> store;

    HeartbeatStoreUpdater(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, DraftHeartbeat> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        DraftHeartbeat latest = store.get(record.key());
        if (latest == null || latest.getTimestampMs() <= record.value().getTimestampMs()) {
            store.put(record.key(), record.value());
        }
    }
}
