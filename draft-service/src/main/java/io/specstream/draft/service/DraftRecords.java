package io.specstream.draft.service;

import io.specstream.contract.DraftTail;
import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.DraftBatch;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Draft-service's one converter out: a round's tails as one {@link DraftBatch} per partition (to the partition
 * numbered like the requests' prompts partition, unkeyed), heartbeats keyed by instance id, dead letters.
 */
final class DraftRecords {

    /** A tail to publish for one sequence, and its drafting time in microseconds. */
    record Published(SequenceKey key, DraftTail tail, long costMicros) {
    }

    private final Clock clock;
    private final TopicCatalogue catalogue;
    private final SchemaRegistry registry;
    private final String draftsTopic;
    private final String heartbeatsTopic;
    private final Serializer<DraftBatch> batches;
    private final Serializer<String> heartbeatKeys;
    private final Serializer<DraftHeartbeat> heartbeats;

    DraftRecords(TopicCatalogue catalogue, SchemaRegistry registry, Clock clock) {
        this.clock = clock;
        this.catalogue = catalogue;
        this.registry = registry;
        this.draftsTopic = catalogue.name(Topics.DRAFTS);
        this.heartbeatsTopic = catalogue.name(Topics.HEARTBEATS);
        this.batches = Topics.DRAFTS.valueSerde(registry).serializer();
        this.heartbeatKeys = Topics.HEARTBEATS.keySerde(registry).serializer();
        this.heartbeats = Topics.HEARTBEATS.valueSerde(registry).serializer();
    }

    DeadLetterPublisher deadLetters(Producer<byte[], byte[]> producer) {
        return new DeadLetterPublisher(producer, Topics.DEAD_LETTERS.valueSerde(registry).serializer(), catalogue,
                clock);
    }

    ProducerRecord<byte[], byte[]> batch(int partition, List<Published> tails) {
        long now = clock.millis();
        List<DraftChunk> chunks = new ArrayList<>(tails.size());
        for (Published published : tails) {
            chunks.add(DraftChunk.newBuilder()
                    .setRequestId(published.key().requestId())
                    .setSampleIndex(published.key().sampleIndex())
                    .setDrafter(published.tail().drafter())
                    .setStartPosition(published.tail().startPosition())
                    .setTokens(ints(published.tail().tokens()))
                    .setBaseCommittedLength(published.tail().startPosition())
                    .setCreatedAtMs(now)
                    .setDraftCostMicros(published.costMicros())
                    .build());
        }
        DraftBatch batch = DraftBatch.newBuilder().setChunks(chunks).setTimestampMs(now).build();
        return new ProducerRecord<>(draftsTopic, partition, null, batches.serialize(draftsTopic, batch));
    }

    ProducerRecord<byte[], byte[]> heartbeat(DraftHeartbeat heartbeat) {
        return new ProducerRecord<>(heartbeatsTopic, heartbeatKeys.serialize(heartbeatsTopic, heartbeat.getInstanceId()),
                heartbeats.serialize(heartbeatsTopic, heartbeat));
    }

    private static List<Integer> ints(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int value : values) {
            list.add(value);
        }
        return list;
    }
}
