package io.specstream.verify.service;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.CommitUpdate;
import org.apache.kafka.clients.producer.Producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The steps of the {@code verify-hints} thread as records (as {@link Publication} asks): per round, per partition one
 * commit batch holding every sequence's delta of every step in the round, in order — when the thread keeps up a round
 * is one step, and a drafter hears of a commit one send after it; when it falls behind, the records per step shrink
 * instead of piling up. The acceptance events, which only the selector reads, wait and go out together, per
 * partition one acceptance batch every {@link #ACCEPTANCE_EVERY_NANOS} at most: at one sequence a step takes half a
 * millisecond, a record per step is over a thousand records a second for the broker and the selector to handle, and a
 * decision 20 ms later changes nothing for a request that runs for seconds.
 */
final class StepBatches {

    /** Shortest time between two sends of the acceptance events. */
    static final long ACCEPTANCE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final OutputRecords records;
    private final Publication publication;
    private final Map<Integer, List<CommitUpdate>> commits = new TreeMap<>();
    private final Map<Integer, List<AcceptanceEvent>> acceptance = new TreeMap<>();
    private long acceptanceSentNanos;

    StepBatches(OutputRecords records, Publication publication, long nowNanos) {
        this.records = records;
        this.publication = publication;
        this.acceptanceSentNanos = nowNanos;
    }

    void add(StepReport report) {
        for (StepReport.Sequence sequence : report.outcomes()) {
            int partition = sequence.request().partition().partition();
            if (publication.commits()) {
                commits.computeIfAbsent(partition, p -> new ArrayList<>()).add(records.commit(sequence.outcome()));
            }
            if (publication.acceptance()) {
                acceptance.computeIfAbsent(partition, p -> new ArrayList<>()).add(records.acceptance(sequence,
                        report.batchSize(), report.stepMicros(), report.timestampMs()));
            }
        }
    }

    /**
     * Sends the commits added since the last call, and the acceptance events waiting if {@link #ACCEPTANCE_EVERY_NANOS}
     * passed since they were last sent (at {@code nowNanos}, {@link System#nanoTime()}'s clock).
     */
    void send(Producer<byte[], byte[]> producer, long nowNanos) {
        commits.forEach((partition, updates) -> producer.send(records.commitBatch(partition, updates)));
        commits.clear();
        if (nowNanos - acceptanceSentNanos >= ACCEPTANCE_EVERY_NANOS) {
            sendAcceptance(producer);
            acceptanceSentNanos = nowNanos;
        }
    }

    /** Sends the acceptance events waiting, whenever they were added (the thread is closing). */
    void sendAcceptance(Producer<byte[], byte[]> producer) {
        acceptance.forEach((partition, events) -> producer.send(records.acceptanceBatch(partition, events)));
        acceptance.clear();
    }

    /** Milliseconds until the acceptance events waiting are due, at least 1; empty when none wait. */
    OptionalLong acceptanceDueInMs(long nowNanos) {
        if (acceptance.isEmpty()) {
            return OptionalLong.empty();
        }
        long left = ACCEPTANCE_EVERY_NANOS - (nowNanos - acceptanceSentNanos);
        return OptionalLong.of(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }
}
