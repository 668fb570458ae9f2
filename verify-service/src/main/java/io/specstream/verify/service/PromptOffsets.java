package io.specstream.verify.service;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which prompt offsets may be committed: per partition, the lowest offset whose samples are not all finished, or
 * just past the last record read when none is pending (DESIGN invariant 5: an offset is committed only with the
 * completions it depends on).
 *
 * <p>Example on one partition: read 4 (n=2), 5 (n=1), 6 (bad, n=0). Sample of 5 finishes → committable stays 4;
 * both samples of 4 finish → committable 7.
 */
final class PromptOffsets {

    private final Map<TopicPartition, TreeMap<Long, Integer>> unfinished = new HashMap<>();
    private final Map<TopicPartition, Long> nextToRead = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** A prompt record was read; {@code samples} is 0 for one that was rejected and needs no completion. */
    void received(TopicPartition partition, long offset, int samples) {
        nextToRead.merge(partition, offset + 1, Math::max);
        if (samples > 0) {
            unfinished.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, samples);
        }
    }

    /** The prompt at {@code offset} will never complete here (refused after it waited): its offset may pass. */
    void abandoned(TopicPartition partition, long offset) {
        TreeMap<Long, Integer> pending = unfinished.get(partition);
        if (pending != null) {
            pending.remove(offset);
        }
    }

    /** One sample of the prompt at {@code offset} finished; true when it was the prompt's last. */
    boolean sampleFinished(TopicPartition partition, long offset) {
        TreeMap<Long, Integer> pending = unfinished.get(partition);
        Integer left = pending == null ? null : pending.get(offset);
        if (left == null) {
            throw new IllegalStateException("no unfinished prompt at " + partition + " offset " + offset);
        }
        if (left > 1) {
            pending.put(offset, left - 1);
            return false;
        }
        pending.remove(offset);
        return true;
    }

    /** Positions to commit that moved past what was last committed. */
    Map<TopicPartition, OffsetAndMetadata> advanced() {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        nextToRead.forEach((partition, next) -> {
            TreeMap<Long, Integer> pending = unfinished.get(partition);
            long position = pending == null || pending.isEmpty() ? next : pending.firstKey();
            if (position > committed.getOrDefault(partition, -1L)) {
                positions.put(partition, new OffsetAndMetadata(position));
            }
        });
        return positions;
    }

    /** The partition went to another instance: what was read from it here no longer counts. */
    void forget(TopicPartition partition) {
        unfinished.remove(partition);
        nextToRead.remove(partition);
        committed.remove(partition);
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> positions) {
        positions.forEach((partition, position) -> committed.put(partition, position.offset()));
    }
}
