package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the transactions of the {@code verify-completions} thread write, in this order: tombstones of final snapshots
 * the committed prompt positions have passed, progress snapshots of running sequences, then every completed
 * request's rollouts and final snapshots, with the prompt positions they free (the highest per partition: a later
 * position implies every earlier request is out). One producer writes all of them, so a sequence's progress snapshot
 * can never land after its final one and outlive it under compaction.
 *
 * <p>What is queued becomes the transaction in flight when it is written; it stays in flight until it commits (its
 * final snapshots then wait for the positions to pass them) or aborts (it goes back ahead of what was queued since).
 *
 * <p>Example: snapshots of r1#0 (32 tokens) and r2#0 (admitted), then r1 completes and frees offset 8 → one
 * transaction: [r1#0 @32, r2#0 @0, Rollout r1#0, r1#0 final], offsets {p0: 8}; once it commits, the final snapshots
 * whose prompts lie before offset 8 become tombstones of the next one.
 */
final class PendingTransaction {

    /** The records of one transaction, and what they depend on. */
    private static final class Batch {
        final List<ProducerRecord<byte[], byte[]>> tombstones = new ArrayList<>();
        final List<StepReport.Progress> snapshots = new ArrayList<>();
        final List<CompletedRequest> requests = new ArrayList<>();
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long oldestSnapshotNanos = Long.MAX_VALUE;

        boolean isEmpty() {
            return tombstones.isEmpty() && snapshots.isEmpty() && requests.isEmpty() && offsets.isEmpty();
        }

        void addOffsets(Map<TopicPartition, OffsetAndMetadata> freed) {
            freed.forEach((partition, position) -> offsets.merge(partition, position,
                    (a, b) -> a.offset() >= b.offset() ? a : b));
        }

        /** {@code later} appended to this one, in order. */
        Batch then(Batch later) {
            tombstones.addAll(later.tombstones);
            snapshots.addAll(later.snapshots);
            requests.addAll(later.requests);
            addOffsets(later.offsets);
            oldestSnapshotNanos = Math.min(oldestSnapshotNanos, later.oldestSnapshotNanos);
            return this;
        }

        void drop(Collection<TopicPartition> partitions) {
            requests.removeIf(request -> partitions.contains(request.admission().partition()));
            tombstones.removeIf(record -> partitions.stream().anyMatch(p -> p.partition() == record.partition()));
            snapshots.removeIf(progress -> partitions.contains(progress.request().partition()));
            partitions.forEach(offsets::remove);
        }
    }

    private final OutputRecords records;
    private final FinishedSnapshots finished = new FinishedSnapshots();
    private Batch queued = new Batch();
    private Batch inFlight;

    PendingTransaction(OutputRecords records) {
        this.records = records;
    }

    void snapshots(List<StepReport.Progress> due, long nowNanos) {
        if (!due.isEmpty()) {
            queued.snapshots.addAll(due);
            queued.oldestSnapshotNanos = Math.min(queued.oldestSnapshotNanos, nowNanos);
        }
    }

    void completed(List<CompletedRequest> completed, Map<TopicPartition, OffsetAndMetadata> freed) {
        queued.requests.addAll(completed);
        queued.addOffsets(freed);
    }

    void tombstones(int partition, List<SequenceKey> keys) {
        queued.tombstones.addAll(records.tombstones(partition, keys));
    }

    /** Nothing queued (a transaction may still be in flight). */
    boolean isEmpty() {
        return queued.isEmpty();
    }

    /** Whether a transaction should start: anything but progress snapshots is queued, or the oldest waited enough. */
    boolean due(long nowNanos, long maxWaitNanos) {
        return !queued.tombstones.isEmpty() || !queued.requests.isEmpty() || !queued.offsets.isEmpty()
                || (!queued.snapshots.isEmpty() && nowNanos - queued.oldestSnapshotNanos >= maxWaitNanos);
    }

    /** Nanoseconds until the oldest progress snapshot is due (0 if it is; Long.MAX_VALUE if there is none). */
    long untilDue(long nowNanos, long maxWaitNanos) {
        return queued.snapshots.isEmpty() ? Long.MAX_VALUE
                : Math.max(0, queued.oldestSnapshotNanos + maxWaitNanos - nowNanos);
    }

    /** Whether a transaction was written and has neither committed nor aborted yet. */
    boolean inFlight() {
        return inFlight != null;
    }

    int requests() {
        return queued.requests.size() + (inFlight == null ? 0 : inFlight.requests.size());
    }

    /**
     * Begins a transaction with everything queued and writes it, the offsets committed for {@code group}; it is then
     * in flight until {@link #committed} or {@link #aborted}. Throws what the producer throws.
     */
    void write(Producer<byte[], byte[]> transaction, ConsumerGroupMetadata group) {
        inFlight = queued;
        queued = new Batch();
        transaction.beginTransaction();
        inFlight.tombstones.forEach(transaction::send);
        inFlight.snapshots.forEach(progress -> transaction.send(records.progressSnapshot(progress)));
        for (CompletedRequest request : inFlight.requests) {
            records.completion(request).forEach(transaction::send);
        }
        if (!inFlight.offsets.isEmpty()) {
            transaction.sendOffsetsToTransaction(inFlight.offsets, group);
        }
    }

    /** The transaction in flight committed; returns the rollouts it wrote. Passed final snapshots queue tombstones. */
    int committed() {
        Batch done = inFlight;
        inFlight = null;
        for (CompletedRequest request : done.requests) {
            finished.committed(request.admission().partition(), request.admission().offset(), request.keys());
        }
        finished.passed(done.offsets).forEach((partition, keys) -> tombstones(partition.partition(), keys));
        return done.requests.stream().mapToInt(request -> request.rollouts().size()).sum();
    }

    /** The transaction in flight aborted: its contents go back, ahead of what was queued since. */
    void aborted() {
        if (inFlight != null) {
            queued = inFlight.then(queued);
            inFlight = null;
        }
    }

    /** The partitions left this instance: what they still had pending is its new owner's to decode again. */
    void drop(Collection<TopicPartition> partitions) {
        queued.drop(partitions);
        if (inFlight != null) {
            inFlight.drop(partitions);
        }
        partitions.forEach(finished::forget);
    }
}
