package io.specstream.selector.stream;

import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.selector.policy.Load;
import java.time.Duration;
import java.util.OptionalDouble;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The load at an acceptance event: the verify side from the event's batch size, the draft side from the latest
 * heartbeat of each draft-service instance (a global store). A heartbeat older than the staleness limit at the
 * event's time — an instance that stopped or a clock long gone — is ignored, as is one without a timestamp.
 *
 * <p>Example, staleness 10 s, event at t = 100 000 ms: heartbeats {@code a} busy 0.9 at 95 000 and {@code b} busy
 * 0.5 at 99 000 give mean busy 0.7 over 2 instances; {@code c} at 80 000 does not count.
 */
public final class LoadTracker {

    private final ReadOnlyKeyValueStore<String, DraftHeartbeat> heartbeats;
    private final long stalenessMs;

    public LoadTracker(ReadOnlyKeyValueStore<String, DraftHeartbeat> heartbeats, Duration staleness) {
        this.heartbeats = heartbeats;
        this.stalenessMs = staleness.toMillis();
    }

    public Load at(int batchSize, long nowMs) {
        double busySum = 0;
        int fresh = 0;
        try (KeyValueIterator<String, DraftHeartbeat> all = heartbeats.all()) {
            while (all.hasNext()) {
                KeyValue<String, DraftHeartbeat> entry = all.next();
                DraftHeartbeat heartbeat = entry.value;
                if (heartbeat != null && heartbeat.getTimestampMs() > 0
                        && nowMs - heartbeat.getTimestampMs() <= stalenessMs) {
                    busySum += Math.min(1, Math.max(0, heartbeat.getBusyFraction()));
                    fresh++;
                }
            }
        }
        return new Load(batchSize, fresh == 0 ? OptionalDouble.empty() : OptionalDouble.of(busySum / fresh), fresh);
    }
}
