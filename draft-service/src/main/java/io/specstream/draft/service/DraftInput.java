package io.specstream.draft.service;

import io.specstream.contract.RequestTerms;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.CommitBatch;
import io.specstream.schemas.avro.CommitUpdate;
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
 * Draft-service's one converter in: the records it reads, decoded through the catalogue's serdes into the
 * contract's values. Undecodable records become dead letters; a request the verifier would refuse is not followed
 * (the verifier reports it).
 */
final class DraftInput {

    /** A request's sequences as its prompt record says. */
    record Prompted(List<SequenceKey> keys, RequestTerms terms) {
    }

    /** A verified delta of one sequence. */
    record Commit(SequenceKey key, SequenceMirrors.Delta delta) {
    }

    private final PromptEncoder encoder;
    private final Deserializer<String> keys;
    private final RecordDecoder<RolloutRequest> requests;
    private final RecordDecoder<CommitBatch> commits;
    private final RecordDecoder<DrafterAssignment> assignments;
    private final RecordDecoder<SequenceSnapshot> snapshots;

    DraftInput(SchemaRegistry registry, DeadLetterPublisher deadLetters, PromptEncoder encoder) {
        this.encoder = encoder;
        this.keys = Topics.ASSIGNMENTS.keySerde(registry).deserializer();
        this.requests = new RecordDecoder<>(Topics.PROMPTS.valueSerde(registry).deserializer(), deadLetters);
        this.commits = new RecordDecoder<>(Topics.COMMITS.valueSerde(registry).deserializer(), deadLetters);
        this.assignments = new RecordDecoder<>(Topics.ASSIGNMENTS.valueSerde(registry).deserializer(), deadLetters);
        this.snapshots = new RecordDecoder<>(Topics.SEQUENCES.valueSerde(registry).deserializer(), deadLetters);
    }

    Optional<Prompted> prompt(ConsumerRecord<byte[], byte[]> record) {
        return requests.decode(record).flatMap(this::prompted);
    }

    /** The sequences of {@code request} and how to draft for them; empty for a request the verifier refuses. */
    Optional<Prompted> prompted(RolloutRequest request) {
        try {
            RequestTerms terms = RequestTerms.of(request, encoder);
            List<SequenceKey> sequences = new ArrayList<>(terms.samples());
            for (int s = 0; s < terms.samples(); s++) {
                sequences.add(new SequenceKey(request.getRequestId(), s));
            }
            return Optional.of(new Prompted(sequences, terms));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    List<Commit> commits(ConsumerRecord<byte[], byte[]> record) {
        List<Commit> deltas = new ArrayList<>();
        commits.decode(record).ifPresent(batch -> {
            for (CommitUpdate update : batch.getUpdates()) {
                deltas.add(new Commit(new SequenceKey(update.getRequestId(), update.getSampleIndex()),
                        new SequenceMirrors.Delta(update.getStartPosition(), ints(update.getTokens()),
                                update.getFinished())));
            }
        });
        return deltas;
    }

    Optional<SequenceSnapshot> snapshot(ConsumerRecord<byte[], byte[]> record) {
        return snapshots.decode(record);
    }

    /** The sequence a snapshot is of; empty for one that names none. */
    static Optional<SequenceKey> keyOf(SequenceSnapshot snapshot) {
        try {
            return Optional.of(new SequenceKey(snapshot.getRequestId(), snapshot.getSampleIndex()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A running snapshot's committed tokens, as one delta from position 0. */
    static SequenceMirrors.Delta prefixOf(SequenceSnapshot snapshot) {
        return new SequenceMirrors.Delta(0, ints(snapshot.getCommittedTokenIds()), false);
    }

    Optional<DrafterAssignment> assignment(ConsumerRecord<byte[], byte[]> record) {
        return assignments.decode(record);
    }

    /** The record's key as the catalogue's key serde reads it: a request id, or a sequence key on {@code sequences}. */
    String key(ConsumerRecord<byte[], byte[]> record) {
        return keys.deserialize(record.topic(), record.key());
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
