package io.specstream.verify.service;

import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The hints consumer on a thread of its own ({@code verify-hint-intake}), so that the step thread never polls, fetches
 * or decodes a hint record: it only takes what this thread decoded ({@link #take()}). The step thread tells it which
 * partitions to follow and where the drafts partitions start; it applies that between its polls, in the order told.
 *
 * <p>Why: polling the hints consumer after every step took 3–7 % of the step thread in decoupled and fastest mode
 * (bench "Where the verifier's time goes", polling), against under 1 % in plain mode, which reads no hints.
 *
 * <p>Example: {@code follow([prompts-1], true)} → drafts-1 (paused) and assignments-1 (from the beginning) are
 * followed; {@code place(drafts-1, 12:00:03.2)} → drafts-1 starts at the chunks stamped from then on; every draft
 * batch read becomes {@link Hint.Tails}, every assignment record a {@link Hint.Assigned}.
 */
final class HintReader implements AutoCloseable {

    /** What a hint record became, for the step thread to apply. */
    sealed interface Hint permits Hint.Tails, Hint.Assigned {

        /** A draft batch's usable chunks. */
        record Tails(List<InputRecords.OfferedTail> offered) implements Hint {
        }

        /**
         * An assignment for {@code requestId} ({@code assignment} empty for a tombstone), with its record for the dead
         * letter the step thread publishes if the assignment cannot be applied.
         */
        record Assigned(ConsumerRecord<byte[], byte[]> record, String requestId,
                        Optional<DrafterAssignment> assignment) implements Hint {
        }
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Queue<Hint> decoded = new ConcurrentLinkedQueue<>();
    private final OutputThread<Consumer<KafkaConsumer<byte[], byte[]>>> thread;

    /**
     * Starts the thread, which owns {@code consumer} from now on (and closes it); {@code input} decodes on it alone.
     * Started by the step thread before it pins itself, so this thread does not share the step thread's core.
     */
    HintReader(KafkaConsumer<byte[], byte[]> consumer, InputRecords input, TopicCatalogue catalogue) {
        this.consumer = consumer;
        Intake intake = new Intake(consumer, input, catalogue, decoded);
        this.thread = OutputThread.start("verify-hint-intake", () -> intake);
    }

    /** Every hint decoded since the last call, in the order read; rethrows what stopped the thread, if anything. */
    List<Hint> take() {
        thread.rethrowFailure();
        if (decoded.isEmpty()) {
            return List.of(); // most steps: nothing new
        }
        List<Hint> hints = new ArrayList<>();
        for (Hint hint = decoded.poll(); hint != null; hint = decoded.poll()) {
            hints.add(hint);
        }
        return hints;
    }

    /**
     * Follows (or stops following) {@code drafts} and {@code assignments} partitions. Drafts start paused (see
     * {@link #place}); assignments are compacted state, so a request taken over keeps the selector's choice: they
     * start at the beginning.
     */
    void follow(Collection<TopicPartition> drafts, Collection<TopicPartition> assignments, boolean add) {
        Set<TopicPartition> partitions = new HashSet<>(drafts);
        partitions.addAll(assignments);
        Set<TopicPartition> freshDrafts = new HashSet<>(drafts);
        Set<TopicPartition> freshAssignments = new HashSet<>(assignments);
        command(kafka -> {
            Set<TopicPartition> assigned = new HashSet<>(kafka.assignment());
            if (add) {
                freshDrafts.removeAll(assigned);
                freshAssignments.removeAll(assigned);
                assigned.addAll(partitions);
            } else {
                assigned.removeAll(partitions);
            }
            kafka.assign(assigned);
            if (add) {
                // every partition has a position of its own choosing, so the consumer never asks its group for one
                // (a verifier may read these topics without rights on a group)
                kafka.pause(freshDrafts);
                kafka.seekToEnd(freshDrafts);
                kafka.seekToBeginning(freshAssignments);
            }
        });
    }

    /** Starts a paused drafts partition at the chunks stamped from {@code fromMs} on (its end if there are none). */
    void place(TopicPartition drafts, long fromMs) {
        command(kafka -> {
            if (!kafka.assignment().contains(drafts)) {
                return;
            }
            OffsetAndTimestamp start = kafka.offsetsForTimes(Map.of(drafts, fromMs)).get(drafts);
            if (start == null) {
                kafka.seekToEnd(List.of(drafts));
            } else {
                kafka.seek(drafts, start.offset());
            }
            kafka.resume(List.of(drafts));
        });
    }

    private void command(Consumer<KafkaConsumer<byte[], byte[]>> command) {
        thread.add(command);
        consumer.wakeup(); // the one call KafkaConsumer allows from another thread: ends a poll in progress
    }

    /** Stops the thread (within one poll) and closes the consumer. */
    @Override
    public void close() {
        thread.close();
    }

    /**
     * The thread's rounds: the commands queued since the last round, in order, then one poll of whatever the consumer
     * follows (none while it follows nothing: then the round waits for a command instead).
     */
    private static final class Intake implements OutputThread.Work<Consumer<KafkaConsumer<byte[], byte[]>>> {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final InputRecords input;
        private final String draftsTopic;
        private final String assignmentsTopic;
        private final Queue<Hint> decoded;

        Intake(KafkaConsumer<byte[], byte[]> consumer, InputRecords input, TopicCatalogue catalogue,
               Queue<Hint> decoded) {
            this.consumer = consumer;
            this.input = input;
            this.draftsTopic = catalogue.name(Topics.DRAFTS);
            this.assignmentsTopic = catalogue.name(Topics.ASSIGNMENTS);
            this.decoded = decoded;
        }

        @Override
        public void round(List<Consumer<KafkaConsumer<byte[], byte[]>>> commands) {
            commands.forEach(this::apply);
            if (consumer.assignment().isEmpty()) {
                return;
            }
            try {
                consumer.poll(POLL).forEach(this::decode);
            } catch (WakeupException e) {
                // a command came: the next round takes it
            }
        }

        @Override
        public long idleMs() {
            return consumer.assignment().isEmpty() ? POLL.toMillis() : 0;
        }

        @Override
        public void close() {
            consumer.close();
        }

        /** Runs a command; one that a wakeup cut short (offsetsForTimes waiting for the broker) runs again. */
        private void apply(Consumer<KafkaConsumer<byte[], byte[]>> command) {
            while (true) {
                try {
                    command.accept(consumer);
                    return;
                } catch (WakeupException e) {
                    // a newer command's wakeup: ask again
                }
            }
        }

        private void decode(ConsumerRecord<byte[], byte[]> record) {
            if (record.topic().equals(draftsTopic)) {
                List<InputRecords.OfferedTail> offered = input.drafts(record);
                if (!offered.isEmpty()) {
                    decoded.add(new Hint.Tails(offered));
                }
            } else if (record.topic().equals(assignmentsTopic)) {
                String requestId = input.requestIdOf(record);
                if (record.value() == null) {
                    decoded.add(new Hint.Assigned(record, requestId, Optional.empty()));
                } else {
                    input.assignment(record).ifPresent(assignment ->
                            decoded.add(new Hint.Assigned(record, requestId, Optional.of(assignment))));
                }
            }
        }
    }
}
