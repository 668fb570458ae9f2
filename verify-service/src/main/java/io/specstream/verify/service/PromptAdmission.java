package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.client.TopicSnapshot;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.service.RestoredRequests.RestoredRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns prompt records into requests in the engine: decodes each (bad input becomes a dead letter and its offset
 * passes), skips one whose final snapshots say it was rolled out already, resumes one whose samples had committed
 * prefixes, and submits the rest afresh.
 *
 * <p>The {@code sequences} topic makes a takeover cheap and exact ({@link RestoredRequests}): when a prompts
 * partition was just assigned, its snapshots are read before its first prompt record is admitted — late enough that
 * the committed offset is stable, so every transaction it depends on is settled — and the final snapshots the
 * committed position has passed are tombstoned.
 */
final class PromptAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(PromptAdmission.class);
    private static final Duration RESTORE_DEADLINE = Duration.ofMinutes(2);

    private final VerifyEngine engine;
    private final RequestSpecs specs;
    private final RequestBook book;
    private final InputRecords input;
    private final VerifyOutput output;
    private final VerifyMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> restoreConsumer;
    private final String sequencesTopic;
    private final Clock clock = Clock.systemUTC();
    private final RestoredRequests restored = new RestoredRequests();
    private final Set<Integer> toRestore = new HashSet<>();

    PromptAdmission(VerifyEngine engine, RequestSpecs specs, RequestBook book, InputRecords input, VerifyOutput output,
                    VerifyMetrics metrics, KafkaConsumer<byte[], byte[]> restoreConsumer, String sequencesTopic) {
        this.engine = engine;
        this.specs = specs;
        this.book = book;
        this.input = input;
        this.output = output;
        this.metrics = metrics;
        this.restoreConsumer = restoreConsumer;
        this.sequencesTopic = sequencesTopic;
    }

    /** The prompts partition numbered {@code partition} was just assigned: restore it before its first record. */
    void assigned(int partition) {
        toRestore.add(partition);
    }

    /** The partition left: nothing read of its snapshots counts any more. */
    void released(int partition) {
        restored.forget(partition);
        toRestore.remove(partition);
    }

    /** Admits the request {@code record} holds, if any: its sequences, or none. */
    List<SequenceKey> admit(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (toRestore.remove(record.partition())) {
            restore(record.partition(), record.offset());
        }
        Optional<RolloutRequest> decoded = input.request(record);
        if (decoded.isEmpty()) {
            book.skipped(partition, record.offset());
            return List.of();
        }
        RolloutRequest request = decoded.get();
        Optional<RestoredRequest> known = restored.take(record.partition(), record.offset(), request.getRequestId());
        if (known.filter(RestoredRequest::finished).isPresent()) {
            metrics.alreadyFinished();
            book.skipped(partition, record.offset());
            return List.of();
        }
        try {
            book.checkNotRunning(request.getRequestId());
            RolloutSpec spec = specs.toSpec(request);
            submitResuming(spec, known.map(RestoredRequest::prefixes).orElse(Map.of()));
            return book.admit(new Admission(request, spec, partition, record.offset(), clock.millis()));
        } catch (IllegalArgumentException e) {
            input.deadLetters().publish(record, e.getMessage(), e);
            book.skipped(partition, record.offset());
            return List.of();
        }
    }

    /** Submits {@code spec} resuming its samples' {@code prefixes}; a prefix the engine refuses is decoded again. */
    private void submitResuming(RolloutSpec spec, Map<Integer, CommittedPrefix> prefixes) {
        if (!prefixes.isEmpty()) {
            try {
                engine.submit(spec, prefixes);
                metrics.restored(prefixes.size(), prefixes.values().stream().mapToInt(CommittedPrefix::length).sum());
                return;
            } catch (IllegalArgumentException e) {
                LOG.warn("request {}: its snapshots cannot be resumed, decoding it from the prompt: {}",
                        spec.requestId(), e.getMessage());
            }
        }
        engine.submit(spec);
    }

    /** Reads partition {@code partition}'s snapshots; tombstones those before the committed {@code firstOffset}. */
    private void restore(int partition, long firstOffset) {
        TopicPartition changelog = new TopicPartition(sequencesTopic, partition);
        for (ConsumerRecord<byte[], byte[]> record
                : TopicSnapshot.readToEnd(restoreConsumer, List.of(changelog), RESTORE_DEADLINE)) {
            if (record.value() != null) {
                input.snapshot(record).ifPresent(snapshot -> restored.add(partition, snapshot));
            }
        }
        output.tombstone(partition, restored.passed(partition, firstOffset));
    }
}
