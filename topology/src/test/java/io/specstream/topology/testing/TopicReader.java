package io.specstream.topology.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import io.specstream.topology.client.TopicSnapshot;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a topic from the beginning until {@code count} records arrived or a generous deadline passed, so tests wait
 * for a condition instead of sleeping. Fewer records than asked for is returned as is and fails the test's assertion.
 */
public final class TopicReader {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private TopicReader() {
    }

    public static <K, V> List<ConsumerRecord<K, V>> read(Map<String, Object> clientConfig, String topic, int count,
                                                         Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(DEADLINE);
            while (records.size() < count && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Every record a read_committed consumer sees now, from the beginning to the last stable offset of each partition:
     * for asserting that nothing more than expected was written, once the writers have stopped.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readToEnd(Map<String, Object> clientConfig, String topic,
                                                              Deserializer<K> keys, Deserializer<V> values) {
        return TopicSnapshot.readToEnd(clientConfig, topic, keys, values, DEADLINE);
    }
}
