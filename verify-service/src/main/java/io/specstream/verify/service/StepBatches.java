package io.specstream.verify.service;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.CommitUpdate;
import org.apache.kafka.clients.producer.Producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The steps of one round of the {@code verify-hints} thread as records: per partition one commit batch and one
 * acceptance batch holding every sequence's delta and judgement of every step in the round, in order (as
 * {@link Publication} asks). When the thread keeps up a round is one step; when it falls behind, the records per
 * step shrink instead of piling up.
 */
final class StepBatches {

    private final OutputRecords records;
    private final Publication publication;
    private final Map<Integer, List<CommitUpdate>> commits = new TreeMap<>();
    private final Map<Integer, List<AcceptanceEvent>> acceptance = new TreeMap<>();

    StepBatches(OutputRecords records, Publication publication) {
        this.records = records;
        this.publication = publication;
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

    /** Sends what was added since the last call. */
    void send(Producer<byte[], byte[]> producer) {
        commits.forEach((partition, updates) -> producer.send(records.commitBatch(partition, updates)));
        acceptance.forEach((partition, events) -> producer.send(records.acceptanceBatch(partition, events)));
        commits.clear();
        acceptance.clear();
    }
}
