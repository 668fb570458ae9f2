package io.specstream.draft.service;

import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.topology.client.TopicSnapshot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What draft-service does when partitions move (it commits no offsets). On assignment it reads each partition's
 * {@code sequences} to the end and rebuilds a mirror for every running sequence there; then, where the verify group
 * has committed prompt offsets (everything before them is rolled out), it reads {@code prompts} from there — skipping
 * sequences it rebuilt or saw finish — and {@code commit-batches} from a second before the oldest snapshot it rebuilt
 * from (every later commit of those sequences is seen; older ones overlap the snapshot), or from their end when none
 * runs. With no offsets committed by the verify group yet, both are read from the start. A revoked partition takes
 * its sequences along.
 */
final class MirrorRestore implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorRestore.class);
    private static final Duration RESTORE_DEADLINE = Duration.ofMinutes(2);
    /** Commits are re-read from this long before a restored snapshot was written: same clock, later in its loop. */
    private static final long COMMIT_REPLAY_MARGIN_MS = 1_000;

    /** The topics read, by their full names. */
    record FollowedTopics(String prompts, String commits, String sequences) {
    }

    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<byte[], byte[]> restoreConsumer;
    private final Admin admin;
    private final String verifyGroupId;
    private final FollowedTopics topics;
    private final DraftInput input;
    private final SnapshotFollower snapshots;
    private final SequenceMirrors mirrors;
    private final DraftMetrics metrics;

    MirrorRestore(KafkaConsumer<byte[], byte[]> consumer, KafkaConsumer<byte[], byte[]> restoreConsumer, Admin admin,
                  String verifyGroupId, FollowedTopics topics, DraftInput input, SnapshotFollower snapshots,
                  SequenceMirrors mirrors, DraftMetrics metrics) {
        this.consumer = consumer;
        this.restoreConsumer = restoreConsumer;
        this.admin = admin;
        this.verifyGroupId = verifyGroupId;
        this.topics = topics;
        this.input = input;
        this.snapshots = snapshots;
        this.mirrors = mirrors;
        this.metrics = metrics;
    }

    /** The partition numbers owned now; safe from any thread. */
    Set<Integer> owned() {
        return Set.copyOf(owned);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new TreeSet<>();
        partitions.forEach(partition -> numbers.add(partition.partition()));
        Map<TopicPartition, OffsetAndMetadata> rolledOut = verifyCommitted();
        for (int number : numbers) {
            rebuild(number, partitions, rolledOut);
        }
        owned.addAll(numbers);
        LOG.info("partitions owned: {}", new TreeSet<>(owned));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Set<Integer> numbers = new TreeSet<>();
        partitions.forEach(partition -> numbers.add(partition.partition()));
        owned.removeAll(numbers);
        mirrors.release(numbers);
    }

    /** Mirrors of partition {@code number}'s running sequences; positions to go on from, given {@code rolledOut}. */
    private void rebuild(int number, Collection<TopicPartition> assigned, Map<TopicPartition, OffsetAndMetadata> rolledOut) {
        TopicPartition changelog = new TopicPartition(topics.sequences(), number);
        TopicPartition prompts = new TopicPartition(topics.prompts(), number);
        TopicPartition commits = new TopicPartition(topics.commits(), number);
        if (!assigned.containsAll(List.of(changelog, prompts, commits))) {
            // topics with other partition counts than the catalogue's: follow them from where the group reset
            LOG.warn("partition {} of {}, {} and {} did not come together; not restoring it", number,
                    topics.sequences(), topics.prompts(), topics.commits());
            return;
        }
        Map<String, SequenceSnapshot> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record
                : TopicSnapshot.readToEnd(restoreConsumer, List.of(changelog), RESTORE_DEADLINE)) {
            if (record.value() == null) {
                latest.remove(input.key(record));
            } else {
                input.snapshot(record).ifPresent(snapshot -> latest.put(input.key(record), snapshot));
            }
        }
        long oldest = Long.MAX_VALUE;
        int rebuilt = 0;
        for (SequenceSnapshot snapshot : latest.values()) {
            if (snapshot.getFinished()) {
                DraftInput.keyOf(snapshot).ifPresent(key -> mirrors.finished(key, number, snapshot.getPromptOffset()));
            } else if (snapshots.follow(snapshot, number)) {
                rebuilt++;
                oldest = Math.min(oldest, snapshot.getUpdatedAtMs());
            }
        }
        metrics.restored(rebuilt);
        consumer.seek(changelog, restoreConsumer.position(changelog));
        OffsetAndMetadata promptsDone = rolledOut.get(prompts);
        if (promptsDone == null) {
            return; // the verifier committed nothing here yet: everything may be in flight, read from the start
        }
        consumer.seek(prompts, promptsDone.offset());
        OffsetAndTimestamp replayFrom = oldest == Long.MAX_VALUE ? null
                : consumer.offsetsForTimes(Map.of(commits, oldest - COMMIT_REPLAY_MARGIN_MS)).get(commits);
        if (replayFrom == null) {
            consumer.seekToEnd(List.of(commits));
        } else {
            consumer.seek(commits, replayFrom.offset());
        }
    }

    /** The verify group's committed offsets, read once per assignment; none if they cannot be read. */
    private Map<TopicPartition, OffsetAndMetadata> verifyCommitted() {
        try {
            return admin.listConsumerGroupOffsets(verifyGroupId).partitionsToOffsetAndMetadata()
                    .get(RESTORE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("cannot read the prompt offsets of group {}, reading prompts from the start: {}",
                    verifyGroupId, e.getMessage());
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** Applies a verifier's snapshot of a sequence, as the loop does live; true when it opened a mirror. */
    interface SnapshotFollower {
        boolean follow(SequenceSnapshot snapshot, int partition);
    }
}
