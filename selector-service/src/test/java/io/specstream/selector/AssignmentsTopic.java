package io.specstream.selector;

import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.Await;
import io.specstream.topology.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

/** Follows the assignments topic from the beginning and collects, in order, the records of one request. */
final class AssignmentsTopic implements AutoCloseable {

    private final String topic;
    private final String requestId;
    private final Deserializer<DrafterAssignment> values;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<DrafterAssignment> seen = new ArrayList<>();

    AssignmentsTopic(TestCluster cluster, String requestId) {
        this.topic = cluster.catalogue().name(Topics.ASSIGNMENTS);
        this.requestId = requestId;
        this.values = Topics.ASSIGNMENTS.valueSerde(cluster.registry()).deserializer();
        this.consumer = new KafkaConsumer<>(cluster.settings().consumer("assignments-" + UUID.randomUUID(), false));
        consumer.subscribe(List.of(topic));
    }

    /** Every record of the request so far (null = tombstone), once one matches {@code wanted}. */
    List<DrafterAssignment> awaitAssignment(String what, Predicate<DrafterAssignment> wanted) {
        Await.until(what, () -> {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (requestId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                    seen.add(values.deserialize(topic, record.value()));
                }
            }
            return seen.stream().anyMatch(assignment -> assignment != null && wanted.test(assignment));
        });
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
