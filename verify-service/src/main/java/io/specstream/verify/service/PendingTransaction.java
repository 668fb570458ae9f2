package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the next transaction of the {@code verify-completions} thread writes, in this order: tombstones of final
 * snapshots the committed prompt positions have passed, progress snapshots of running sequences, then every
 * completed request's rollouts and final snapshots, with the prompt positions they free (the highest per partition:
 * a later position implies every earlier request is out). One producer writes all of them, so a sequence's progress
 * snapshot can never land after its final one and outlive it under compaction. Everything stays pending if the
 * transaction fails.
 *
 * <p>Example: snapshots of r1#0 (32 tokens) and r2#0 (admitted), then r1 completes and frees offset 8 → one
 * transaction: [r1#0 @32, r2#0 @0, Rollout r1#0, r1#0 final], offsets {p0: 8}; once it commits, the final snapshots
 * whose prompts lie before offset 8 become tombstones of the next one.
 */
final class PendingTransaction {

    private final OutputRecords records;
    private final FinishedSnapshots finished = new FinishedSnapshots();
    private final List<ProducerRecord<byte[], byte[]>> tombstones = new ArrayList<>();
    private final List<StepReport.Progress> snapshots = new ArrayList<>();
    private final List<CompletedRequest> requests = new ArrayList<>();
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private long oldestSnapshotNanos = Long.MAX_VALUE;
    private int committedRollouts;

    PendingTransaction(OutputRecords records) {
        this.records = records;
    }

    void snapshots(List<StepReport.Progress> due, long nowNanos) {
        if (!due.isEmpty()) {
            snapshots.addAll(due);
            oldestSnapshotNanos = Math.min(oldestSnapshotNanos, nowNanos);
        }
    }

    void completed(List<CompletedRequest> completed, Map<TopicPartition, OffsetAndMetadata> freed) {
        requests.addAll(completed);
        freed.forEach((partition, position) -> offsets.merge(partition, position,
                (a, b) -> a.offset() >= b.offset() ? a : b));
    }

    void tombstones(int partition, List<SequenceKey> keys) {
        tombstones.addAll(records.tombstones(partition, keys));
    }

    boolean isEmpty() {
        return tombstones.isEmpty() && snapshots.isEmpty() && requests.isEmpty() && offsets.isEmpty();
    }

    /** Whether a commit is due: anything but progress snapshots is pending, or the oldest waited {@code maxWaitNanos}. */
    boolean due(long nowNanos, long maxWaitNanos) {
        return !tombstones.isEmpty() || !requests.isEmpty() || !offsets.isEmpty()
                || (!snapshots.isEmpty() && nowNanos - oldestSnapshotNanos >= maxWaitNanos);
    }

    /** Nanoseconds until the oldest progress snapshot is due (0 if it is; Long.MAX_VALUE if there is none). */
    long untilDue(long nowNanos, long maxWaitNanos) {
        return snapshots.isEmpty() ? Long.MAX_VALUE : Math.max(0, oldestSnapshotNanos + maxWaitNanos - nowNanos);
    }

    int requests() {
        return requests.size();
    }

    /**
     * Writes everything in one transaction, the offsets committed for {@code group}. Throws what the producer throws;
     * the caller aborts and everything stays pending. On success the final snapshots passed by the committed
     * positions are pending as tombstones for the next transaction.
     */
    void commit(KafkaProducer<byte[], byte[]> transaction, ConsumerGroupMetadata group) {
        transaction.beginTransaction();
        tombstones.forEach(transaction::send);
        snapshots.forEach(progress -> transaction.send(records.progressSnapshot(progress)));
        for (CompletedRequest request : requests) {
            records.completion(request).forEach(transaction::send);
        }
        if (!offsets.isEmpty()) {
            transaction.sendOffsetsToTransaction(offsets, group);
        }
        transaction.commitTransaction();
        committedRollouts = requests.stream().mapToInt(request -> request.rollouts().size()).sum();
        for (CompletedRequest request : requests) {
            finished.committed(request.admission().partition(), request.admission().offset(), request.keys());
        }
        Map<TopicPartition, List<SequenceKey>> passed = finished.passed(offsets);
        tombstones.clear();
        snapshots.clear();
        requests.clear();
        offsets.clear();
        oldestSnapshotNanos = Long.MAX_VALUE;
        passed.forEach((partition, keys) -> tombstones(partition.partition(), keys));
    }

    /** Rollouts the last {@link #commit} wrote. */
    int committedRollouts() {
        return committedRollouts;
    }

    /** The partitions left this instance: what they still had pending is its new owner's to decode again. */
    void drop(Collection<TopicPartition> partitions) {
        requests.removeIf(request -> partitions.contains(request.admission().partition()));
        tombstones.removeIf(record -> partitions.stream().anyMatch(p -> p.partition() == record.partition()));
        snapshots.removeIf(progress -> partitions.contains(progress.request().partition()));
        partitions.forEach(offsets::remove);
        partitions.forEach(finished::forget);
    }
}
