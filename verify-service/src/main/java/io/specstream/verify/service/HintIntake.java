package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hints a verify step may use, taken without waiting (DESIGN invariant 2): draft batches from draft-service and
 * the selector's assignments, from the partitions numbered like the prompts partitions this instance owns (same
 * request-id sharding), read and decoded by a {@link HintReader} off the step thread. Chunks for sequences that are
 * not running here wait in {@link EarlyTails} for their admission. Reads nothing when the deployment has neither
 * draft-service nor selector ({@link VerifierDrafting}): then there is no reader.
 */
final class HintIntake {

    /**
     * How much older than its prompt a chunk may look: the trainer and draft-service stamp records with their own
     * hosts' clocks. A few seconds more of old chunks read once per assignment cost little; missed ones cost drafts.
     */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofSeconds(5);

    private final Optional<HintReader> reader;
    private final VerifierDrafting drafting;
    private final DraftSources sources;
    private final RequestBook book;
    private final InputRecords input;
    private final VerifyMetrics metrics;
    private final String draftsTopic;
    private final String assignmentsTopic;
    private final EarlyTails early = new EarlyTails();
    /** Drafts partitions followed but paused until the first prompt read from their prompts partition places them. */
    private final Set<TopicPartition> unplaced = new HashSet<>();

    HintIntake(Optional<HintReader> reader, VerifierDrafting drafting, InputRecords input, DraftSources sources,
               RequestBook book, TopicCatalogue catalogue, VerifyMetrics metrics) {
        this.reader = reader;
        this.drafting = drafting;
        this.input = input;
        this.metrics = metrics;
        this.sources = sources;
        this.book = book;
        this.draftsTopic = catalogue.name(Topics.DRAFTS);
        this.assignmentsTopic = catalogue.name(Topics.ASSIGNMENTS);
    }

    /** Takes in whatever hints the reader decoded since the last call. */
    void poll() {
        if (reader.isEmpty()) {
            return;
        }
        for (HintReader.Hint hint : reader.get().take()) {
            if (hint instanceof HintReader.Hint.Tails tails) {
                tails.offered().forEach(this::offer);
            } else if (hint instanceof HintReader.Hint.Assigned assigned) {
                sources.assigned(assigned.requestId(), assigned.assignment().orElse(null))
                        .ifPresent(reason -> input.deadLetters().publish(assigned.record(), reason, null));
            }
        }
    }

    private void offer(InputRecords.OfferedTail offered) {
        metrics.tailReceived(offered.tail().drafter());
        if (book.running(offered.key())) {
            sources.offered(offered.key(), offered.tail(), offered.costMicros());
        } else {
            early.keep(offered);
        }
    }

    /** The sequences of a request just admitted: tails that came before it are offered now. */
    void admitted(List<SequenceKey> keys) {
        for (InputRecords.OfferedTail offered : early.take(keys)) {
            sources.offered(offered.key(), offered.tail(), offered.costMicros());
        }
    }

    /**
     * Follows (or stops following) the hint partitions numbered like {@code prompts}: assignments from their
     * beginning, drafts paused until {@link #promptRead} places them.
     */
    void follow(Collection<TopicPartition> prompts, boolean add) {
        if (reader.isEmpty()) {
            return;
        }
        List<TopicPartition> drafts = new ArrayList<>();
        List<TopicPartition> assignments = new ArrayList<>();
        for (TopicPartition partition : prompts) {
            if (drafting.readsDraftsTopic()) {
                drafts.add(new TopicPartition(draftsTopic, partition.partition()));
            }
            if (drafting.followsAssignments()) {
                assignments.add(new TopicPartition(assignmentsTopic, partition.partition()));
            }
        }
        if (add) {
            unplaced.addAll(drafts);
        } else {
            drafts.forEach(unplaced::remove);
        }
        reader.get().follow(drafts, assignments, add);
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
        if (reader.isPresent() && unplaced.remove(drafts)) {
            reader.get().place(drafts, Math.max(0, prompt.timestamp() - CLOCK_SKEW_ALLOWANCE.toMillis()));
        }
    }
}
