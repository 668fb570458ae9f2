package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Final snapshots that may be deleted once the committed prompt offset has passed their prompt: from then on that
 * prompt record is never read again, so nothing needs to be told it finished. Deleting them (tombstones) keeps the
 * compacted {@code sequences} topic to the requests in flight, so a restore reads little.
 *
 * <p>Example on one partition: r3 (prompt offset 7, 2 samples) committed; the committed position becomes 6 → kept
 * (offset 6 is still running and will be read again, 7 after it); it becomes 8 → r3#0 and r3#1 are passed.
 */
final class FinishedSnapshots {

    private final Map<TopicPartition, TreeMap<Long, List<SequenceKey>>> waiting = new HashMap<>();

    /** The final snapshots of {@code keys}, whose prompt was read at {@code offset}, were committed. */
    void committed(TopicPartition partition, long offset, List<SequenceKey> keys) {
        waiting.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, List.copyOf(keys));
    }

    /** The sequences whose prompt lies before the committed {@code positions}, per partition; forgotten here. */
    Map<TopicPartition, List<SequenceKey>> passed(Map<TopicPartition, OffsetAndMetadata> positions) {
        Map<TopicPartition, List<SequenceKey>> passed = new HashMap<>();
        positions.forEach((partition, position) -> {
            TreeMap<Long, List<SequenceKey>> pending = waiting.get(partition);
            if (pending == null) {
                return;
            }
            NavigableMap<Long, List<SequenceKey>> before = pending.headMap(position.offset(), false);
            if (!before.isEmpty()) {
                List<SequenceKey> keys = new ArrayList<>();
                before.values().forEach(keys::addAll);
                passed.put(partition, keys);
                before.clear();
            }
        });
        return passed;
    }

    /** The partition moved away; its new owner tombstones what it commits. */
    void forget(TopicPartition partition) {
        waiting.remove(partition);
    }
}
