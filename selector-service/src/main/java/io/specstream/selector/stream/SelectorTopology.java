package io.specstream.selector.stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.selector.SelectorConfig;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The selector's Kafka Streams topology:
 * <pre>
 * acceptance ──► selector (per-request store "selector-requests", changelogged) ──► assignments
 *                    ▲ reads
 * heartbeats ──► global store "selector-heartbeats" (latest per draft instance)
 * </pre>
 * Acceptance and assignments are both keyed by request id, so no repartitioning is needed. The stores are in memory:
 * they are small (requests are dropped when they finish) and a restart restores them from the changelog and the
 * heartbeats topic.
 */
public final class SelectorTopology {

    public static final String REQUEST_STORE = "selector-requests";
    public static final String HEARTBEAT_STORE = "selector-heartbeats";
    private static final String ACCEPTANCE_SOURCE = "acceptance-source";
    private static final String HEARTBEAT_SOURCE = "heartbeat-source";
    private static final String SELECTOR = "selector";
    private static final String HEARTBEAT_UPDATER = "heartbeat-updater";
    private static final String ASSIGNMENT_SINK = "assignment-sink";

    private final TopicCatalogue catalogue;
    private final SchemaRegistry registry;
    private final SelectorConfig config;
    private final SelectorMetrics metrics;

    public SelectorTopology(TopicCatalogue catalogue, SchemaRegistry registry, SelectorConfig config) {
        this(catalogue, registry, config, SelectorMetrics.on(new SimpleMeterRegistry()));
    }

    /** A topology whose processors count into {@code metrics}. */
    public SelectorTopology(TopicCatalogue catalogue, SchemaRegistry registry, SelectorConfig config,
                            SelectorMetrics metrics) {
        this.catalogue = catalogue;
        this.registry = registry;
        this.config = config;
        this.metrics = metrics;
    }

    public Topology build() {
        Serde<String> keys = Topics.ACCEPTANCE.keySerde(registry);
        Topology topology = new Topology();
        topology.addSource(ACCEPTANCE_SOURCE, keys.deserializer(),
                Topics.ACCEPTANCE.valueSerde(registry).deserializer(), catalogue.name(Topics.ACCEPTANCE));
        topology.addProcessor(SELECTOR, () -> new AcceptanceProcessor(config, REQUEST_STORE, HEARTBEAT_STORE, metrics),
                ACCEPTANCE_SOURCE);
        // cached: a request's updates within a commit interval (one per sample per verify step) reach the changelog
        // as one record, which cut the selector's writes to the broker about fourfold on groups of 4. Acceptance
        // batches are unkeyed, written to the partition of their requests: the processor reads each event's request
        // id, so no repartitioning is needed
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(REQUEST_STORE),
                Topics.ACCEPTANCE.keySerde(registry), new RequestStateSerde()).withCachingEnabled(), SELECTOR);
        // A global store is restored from its source topic byte for byte, so it must use that topic's serdes.
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(HEARTBEAT_STORE),
                        Topics.HEARTBEATS.keySerde(registry), Topics.HEARTBEATS.valueSerde(registry)).withLoggingDisabled(),
                HEARTBEAT_SOURCE, Topics.HEARTBEATS.keySerde(registry).deserializer(),
                Topics.HEARTBEATS.valueSerde(registry).deserializer(), catalogue.name(Topics.HEARTBEATS),
                HEARTBEAT_UPDATER, () -> new HeartbeatStoreUpdater(HEARTBEAT_STORE));
        topology.addSink(ASSIGNMENT_SINK, catalogue.name(Topics.ASSIGNMENTS),
                Topics.ASSIGNMENTS.keySerde(registry).serializer(), Topics.ASSIGNMENTS.valueSerde(registry).serializer(),
                SELECTOR);
        return topology;
    }
}
