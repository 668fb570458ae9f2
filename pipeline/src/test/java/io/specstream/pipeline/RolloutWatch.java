package io.specstream.pipeline;

import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's view while a run goes on: every rollout a read_committed consumer has seen so far, with the
 * partition it came from and its timestamp (when the verifier's transaction wrote it). Duplicates are kept, so a
 * test can count them. Polled from the test's thread only.
 */
final class RolloutWatch implements AutoCloseable {

    private final KafkaConsumer<String, Rollout> consumer;
    private final List<ConsumerRecord<String, Rollout>> seen = new ArrayList<>();

    RolloutWatch(ClientSettings settings, SchemaRegistry registry, TopicCatalogue catalogue) {
        Map<String, Object> config = new HashMap<>(settings.kafkaCommon());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.ROLLOUTS.valueSerde(registry).deserializer());
        String topic = catalogue.name(Topics.ROLLOUTS);
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < catalogue.partitions(); p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what arrived since the last call; returns how many rollouts were seen in all. */
    int poll() {
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        return seen.size();
    }

    List<ConsumerRecord<String, Rollout>> seen() {
        return List.copyOf(seen);
    }

    long seenIn(int partition) {
        return seen.stream().filter(record -> record.partition() == partition).count();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
