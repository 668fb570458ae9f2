package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The hints a verify step may use, read without waiting (DESIGN invariant 2): draft batches from draft-service and
 * the selector's assignments, from the partitions numbered like the prompts partitions this instance owns (same
 * request-id sharding). Chunks for sequences that are not running here wait in {@link EarlyTails} for their
 * admission. Reads nothing when the deployment has neither draft-service nor selector ({@link VerifierDrafting}).
 */
final class HintIntake {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final VerifierDrafting drafting;
    private final InputRecords input;
    private final DraftSources sources;
    private final RequestBook book;
    private final String draftsTopic;
    private final String assignmentsTopic;
    private final EarlyTails early = new EarlyTails();

    HintIntake(KafkaConsumer<byte[], byte[]> consumer, VerifierDrafting drafting, InputRecords input,
               DraftSources sources, RequestBook book, TopicCatalogue catalogue) {
        this.consumer = consumer;
        this.drafting = drafting;
        this.input = input;
        this.sources = sources;
        this.book = book;
        this.draftsTopic = catalogue.name(Topics.DRAFTS);
        this.assignmentsTopic = catalogue.name(Topics.ASSIGNMENTS);
    }

    /** Takes in whatever hints arrived since the last call. */
    void poll() {
        if (consumer.assignment().isEmpty()) {
            return;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ZERO)) {
            if (record.topic().equals(draftsTopic)) {
                for (InputRecords.OfferedTail offered : input.drafts(record)) {
                    if (book.running(offered.key())) {
                        sources.offered(offered.key(), offered.tail(), offered.costMicros());
                    } else {
                        early.keep(offered);
                    }
                }
            } else if (record.value() == null) {
                sources.assigned(input.requestIdOf(record), null);
            } else {
                input.assignment(record).flatMap(a -> sources.assigned(a.getRequestId(), a))
                        .ifPresent(reason -> input.deadLetters().publish(record, reason, null));
            }
        }
    }

    /** The sequences of a request just admitted: tails that came before it are offered now. */
    void admitted(List<SequenceKey> keys) {
        for (InputRecords.OfferedTail offered : early.take(keys)) {
            sources.offered(offered.key(), offered.tail(), offered.costMicros());
        }
    }

    /**
     * Follows (or stops following) the hint partitions numbered like {@code prompts}. Older chunks are hints for
     * sequences this instance did not run yet, so drafts start at the end; assignments are compacted state, so a
     * request taken over keeps the selector's choice: they start at the beginning.
     */
    void follow(Collection<TopicPartition> prompts, boolean add) {
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        Set<TopicPartition> freshDrafts = new HashSet<>();
        Set<TopicPartition> freshAssignments = new HashSet<>();
        for (TopicPartition partition : prompts) {
            if (drafting.readsDraftsTopic()) {
                followOne(assigned, freshDrafts, new TopicPartition(draftsTopic, partition.partition()), add);
            }
            if (drafting.followsAssignments()) {
                followOne(assigned, freshAssignments, new TopicPartition(assignmentsTopic, partition.partition()), add);
            }
        }
        consumer.assign(assigned);
        consumer.seekToEnd(freshDrafts);
        consumer.seekToBeginning(freshAssignments);
    }

    private static void followOne(Set<TopicPartition> assigned, Set<TopicPartition> fresh, TopicPartition partition,
                                  boolean add) {
        if (add && assigned.add(partition)) {
            fresh.add(partition);
        } else if (!add) {
            assigned.remove(partition);
        }
    }
}
