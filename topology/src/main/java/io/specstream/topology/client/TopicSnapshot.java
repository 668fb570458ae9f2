package io.specstream.topology.client;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every record a read_committed consumer sees in a topic now, from the beginning to the last stable offset of each
 * partition — for reading what a finished run wrote (a benchmark's acceptance events, a test's rollouts) once its
 * writers have stopped. No consumer group is joined and no offset is committed.
 */
public final class TopicSnapshot {

    private TopicSnapshot() {
    }

    /** The records of {@code topic}; an IllegalStateException if its end is not reached within {@code deadline}. */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(Map<String, Object> clientConfig, String topic,
                                                              Deserializer<K> keys, Deserializer<V> values,
                                                              Duration deadline) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            return readToEnd(consumer, partitions, deadline);
        }
    }

    /**
     * The records of {@code partitions} from their beginning to their end now, read with {@code consumer} (which
     * joins no group: it is assigned exactly these partitions, replacing what it had). A read_committed consumer
     * stops at the last stable offset, so records of a transaction still open are not waited for.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(KafkaConsumer<K, V> consumer,
                                                              Collection<TopicPartition> partitions,
                                                              Duration deadline) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Instant giveUp = Instant.now().plus(deadline);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException("could not read " + partitions + " to their end " + ends + " in "
                        + deadline);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
