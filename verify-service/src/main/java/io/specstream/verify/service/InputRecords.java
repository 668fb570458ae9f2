package io.specstream.verify.service;

import io.specstream.contract.DraftTail;
import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.DraftBatch;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.deadletter.RecordDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The verifier's one converter in: the records it reads, decoded through the catalogue's serdes into what the loop
 * works with. A record that does not decode, or a chunk that names no valid sequence or drafter, becomes a dead
 * letter and is skipped (DESIGN invariant 6).
 */
final class InputRecords {

    /** A draft-service tail for one sequence, and what drafting it cost (microseconds, 0 unknown). */
    record OfferedTail(SequenceKey key, DraftTail tail, long costMicros) {
    }

    private final DeadLetterPublisher deadLetters;
    private final Deserializer<String> keys;
    private final RecordDecoder<RolloutRequest> requests;
    private final RecordDecoder<DraftBatch> drafts;
    private final RecordDecoder<DrafterAssignment> assignments;
    private final RecordDecoder<SequenceSnapshot> snapshots;

    InputRecords(SchemaRegistry registry, DeadLetterPublisher deadLetters) {
        this.deadLetters = deadLetters;
        this.keys = Topics.ASSIGNMENTS.keySerde(registry).deserializer();
        this.requests = new RecordDecoder<>(Topics.PROMPTS.valueSerde(registry).deserializer(), deadLetters);
        this.drafts = new RecordDecoder<>(Topics.DRAFTS.valueSerde(registry).deserializer(), deadLetters);
        this.assignments = new RecordDecoder<>(Topics.ASSIGNMENTS.valueSerde(registry).deserializer(), deadLetters);
        this.snapshots = new RecordDecoder<>(Topics.SEQUENCES.valueSerde(registry).deserializer(), deadLetters);
    }

    Optional<RolloutRequest> request(ConsumerRecord<byte[], byte[]> record) {
        return requests.decode(record);
    }

    /** The usable chunks of a draft batch; each unusable one is a dead letter naming what is wrong with it. */
    List<OfferedTail> drafts(ConsumerRecord<byte[], byte[]> record) {
        List<OfferedTail> offered = new ArrayList<>();
        drafts.decode(record).ifPresent(batch -> {
            for (DraftChunk chunk : batch.getChunks()) {
                try {
                    offered.add(new OfferedTail(new SequenceKey(chunk.getRequestId(), chunk.getSampleIndex()),
                            new DraftTail(chunk.getDrafter(), chunk.getStartPosition(),
                                    chunk.getTokens().stream().mapToInt(Integer::intValue).toArray()),
                            chunk.getDraftCostMicros()));
                } catch (IllegalArgumentException e) {
                    deadLetters.publish(record, "unusable draft chunk: " + e.getMessage(), e);
                }
            }
        });
        return offered;
    }

    /** The request id an assignment record is keyed by (a tombstone has nothing else). */
    String requestIdOf(ConsumerRecord<byte[], byte[]> record) {
        return keys.deserialize(record.topic(), record.key());
    }

    Optional<DrafterAssignment> assignment(ConsumerRecord<byte[], byte[]> record) {
        return assignments.decode(record);
    }

    Optional<SequenceSnapshot> snapshot(ConsumerRecord<byte[], byte[]> record) {
        return snapshots.decode(record);
    }

    DeadLetterPublisher deadLetters() {
        return deadLetters;
    }
}
