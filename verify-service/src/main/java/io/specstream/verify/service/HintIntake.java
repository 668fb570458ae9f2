package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hints a verify step may use, read without waiting (DESIGN invariant 2): draft batches from draft-service and
 * the selector's assignments, from the partitions numbered like the prompts partitions this instance owns (same
 * request-id sharding). Chunks for sequences that are not running here wait in {@link EarlyTails} for their
 * admission. Reads nothing when the deployment has neither draft-service nor selector ({@link VerifierDrafting}).
 */
final class HintIntake {

    /**
     * How much older than its prompt a chunk may look: the trainer and draft-service stamp records with their own
     * hosts' clocks. A few seconds more of old chunks read once per assignment cost little; missed ones cost drafts.
     */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofSeconds(5);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final VerifierDrafting drafting;
    private final InputRecords input;
    private final DraftSources sources;
    private final RequestBook book;
    private final String draftsTopic;
    private final String assignmentsTopic;
    private final EarlyTails early = new EarlyTails();
    /** Drafts partitions followed but paused until the first prompt read from their prompts partition places them. */
    private final Set<TopicPartition> unplaced = new HashSet<>();

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
     * Follows (or stops following) the hint partitions numbered like {@code prompts}. Assignments are compacted state,
     * so a request taken over keeps the selector's choice: they start at the beginning. Drafts wait, paused, for
     * {@link #promptRead}.
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
        consumer.pause(freshDrafts);
        unplaced.addAll(freshDrafts);
        unplaced.retainAll(assigned);
        consumer.seekToBeginning(freshAssignments);
    }

    /**
     * Places a followed drafts partition at the first prompt this instance reads from the prompts partition numbered
     * like it: at the chunks stamped from that prompt's time on. Draft-service reads a prompt as soon as the
     * verifier could, so its first tails may predate this instance's ownership (a verifier started after
     * draft-service, or taking over from another); chunks older than the oldest prompt still to run here are for
     * requests finished elsewhere.
     *
     * <p>Example: prompts partition 1 is assigned with its committed offset at prompt r7 (stamped 12:00:03.2);
     * draft-service drafted r7 and r8 at 12:00:03.4 → drafts partition 1 starts at 12:00:03.2 − the skew allowance
     * and r7's and r8's tails wait in {@link EarlyTails} for their admission.
     */
    void promptRead(ConsumerRecord<byte[], byte[]> prompt) {
        TopicPartition drafts = new TopicPartition(draftsTopic, prompt.partition());
        if (!unplaced.remove(drafts)) {
            return;
        }
        long from = Math.max(0, prompt.timestamp() - CLOCK_SKEW_ALLOWANCE.toMillis());
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(drafts, from)).get(drafts);
        if (start == null) {
            consumer.seekToEnd(List.of(drafts));
        } else {
            consumer.seek(drafts, start.offset());
        }
        consumer.resume(List.of(drafts));
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
