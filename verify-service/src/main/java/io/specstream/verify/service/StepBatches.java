package io.specstream.verify.service;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.verify.StepOutcome;
import org.apache.kafka.clients.producer.Producer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The steps of the {@code verify-hints} thread as records (as {@link Publication} asks): per partition one commit
 * batch holding every sequence's delta of every step since the last one, in order, at most every
 * {@link #COMMITS_EVERY_NANOS}; and the acceptance events, which only the selector reads, per partition one acceptance
 * batch every {@link #ACCEPTANCE_EVERY_NANOS} at most. A commit after a quiet spell goes out at once.
 *
 * <p>Why windows: at one sequence a verify step takes half a millisecond to a millisecond, and a record per step was
 * 600 commit batches a second (decoupled, greedy, one sequence: 670 produce requests a second against 30 for plain).
 * Every one of them is a produce request for the broker and a fetch for draft-service — on the core the draft loop
 * runs on. Example, steps at 0, 1, 2 and 6 ms: the first step's commits go out at 0, the next two wait and go out
 * with the fourth's at 6, as one batch per partition in step order. A drafter hears of a commit at most 5 ms later; it
 * redrafts from it tens of milliseconds later anyway (DraftLoop's round, the hop back).
 *
 * <p>A step that judged no draft of a sequence (none on hand) tells the selector only the batch size, so a window
 * holds at most one such event per request: at 8 sequences about three quarters of the sequence-steps have no draft,
 * and their events were most of what the verifier serialized, the broker stored and the selector decoded and folded
 * into its state — all on the draft loop's core. Example, r1 drafted at steps 2 and 4 of a window of 5 steps: events
 * of steps 1 (the first of r1), 2 and 4 go out.
 */
final class StepBatches {

    /** Shortest time between two sends of the commits. */
    static final long COMMITS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Shortest time between two sends of the acceptance events. */
    static final long ACCEPTANCE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final OutputRecords records;
    private final Publication publication;
    private final Map<Integer, List<CommitUpdate>> commits = new TreeMap<>();
    private final Map<Integer, List<AcceptanceEvent>> acceptance = new TreeMap<>();
    /** The requests with an acceptance event in the window. */
    private final Set<String> heard = new HashSet<>();
    private long commitsSentNanos;
    private long acceptanceSentNanos;

    StepBatches(OutputRecords records, Publication publication, long nowNanos) {
        this.records = records;
        this.publication = publication;
        this.commitsSentNanos = nowNanos - COMMITS_EVERY_NANOS;
        this.acceptanceSentNanos = nowNanos;
    }

    void add(StepReport report) {
        for (StepReport.Sequence sequence : report.outcomes()) {
            int partition = sequence.request().partition().partition();
            if (publication.commits()) {
                commits.computeIfAbsent(partition, p -> new ArrayList<>()).add(records.commit(sequence.outcome()));
            }
            if (publication.acceptance() && (heard.add(sequence.outcome().key().requestId())
                    || judgedADraft(sequence.outcome()))) {
                acceptance.computeIfAbsent(partition, p -> new ArrayList<>()).add(records.acceptance(sequence,
                        report.batchSize(), report.stepMicros(), report.timestampMs()));
            }
        }
    }

    /**
     * Sends the commits waiting if {@link #COMMITS_EVERY_NANOS} passed since they were last sent, and the acceptance
     * events waiting if {@link #ACCEPTANCE_EVERY_NANOS} did (at {@code nowNanos}, {@link System#nanoTime()}'s clock).
     */
    void send(Producer<byte[], byte[]> producer, long nowNanos) {
        if (!commits.isEmpty() && nowNanos - commitsSentNanos >= COMMITS_EVERY_NANOS) {
            sendCommits(producer);
            commitsSentNanos = nowNanos;
        }
        if (nowNanos - acceptanceSentNanos >= ACCEPTANCE_EVERY_NANOS) {
            sendAcceptance(producer);
            acceptanceSentNanos = nowNanos;
        }
    }

    /** Sends everything waiting, whenever it was added (the thread is closing). */
    void sendAll(Producer<byte[], byte[]> producer) {
        sendCommits(producer);
        sendAcceptance(producer);
    }

    /**
     * Milliseconds until the first of the records waiting is due (the commits or the acceptance events), at least 1;
     * empty when none wait.
     */
    OptionalLong dueInMs(long nowNanos) {
        long left = Long.MAX_VALUE;
        if (!commits.isEmpty()) {
            left = COMMITS_EVERY_NANOS - (nowNanos - commitsSentNanos);
        }
        if (!acceptance.isEmpty()) {
            left = Math.min(left, ACCEPTANCE_EVERY_NANOS - (nowNanos - acceptanceSentNanos));
        }
        return left == Long.MAX_VALUE ? OptionalLong.empty()
                : OptionalLong.of(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }

    private void sendCommits(Producer<byte[], byte[]> producer) {
        commits.forEach((partition, updates) -> producer.send(records.commitBatch(partition, updates)));
        commits.clear();
    }

    private void sendAcceptance(Producer<byte[], byte[]> producer) {
        acceptance.forEach((partition, events) -> producer.send(records.acceptanceBatch(partition, events)));
        acceptance.clear();
        heard.clear();
    }

    /** Whether the step tells the selector more than the batch size: a draft judged, or the sequence's end. */
    private static boolean judgedADraft(StepOutcome outcome) {
        return outcome.drafter().isPresent() || !outcome.alternatives().isEmpty() || outcome.finished();
    }
}
