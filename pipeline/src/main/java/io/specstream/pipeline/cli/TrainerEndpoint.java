package io.specstream.pipeline.cli;

import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The trainer's side of a pipeline, as {@code specstream run} and {@code specstream bench} play it: publishes
 * RolloutRequests to {@code prompts} (keyed by request id) and reads Rollouts from {@code rollouts} with
 * read_committed, from the beginning, each sequence once.
 *
 * <pre>{@code
 * try (TrainerEndpoint trainer = new TrainerEndpoint(settings, catalogue)) {
 *     trainer.publish(requests);
 *     List<Rollout> arrived = trainer.poll(Duration.ofMillis(200));   // only sequences not seen before
 * }
 * }</pre>
 */
public final class TrainerEndpoint implements AutoCloseable {

    private final String promptsTopic;
    private final String rolloutsTopic;
    private final Serializer<String> keys;
    private final Serializer<RolloutRequest> requests;
    private final Deserializer<Rollout> rollouts;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<String> seen = new HashSet<>();

    public TrainerEndpoint(ClientSettings settings, TopicCatalogue catalogue) {
        SchemaRegistry registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        this.promptsTopic = catalogue.name(Topics.PROMPTS);
        this.rolloutsTopic = catalogue.name(Topics.ROLLOUTS);
        this.keys = Topics.PROMPTS.keySerde(registry).serializer();
        this.requests = Topics.PROMPTS.valueSerde(registry).serializer();
        this.rollouts = Topics.ROLLOUTS.valueSerde(registry).deserializer();
        this.producer = new KafkaProducer<>(settings.producer());
        this.consumer = new KafkaConsumer<>(settings.consumer("trainer-" + UUID.randomUUID(), true));
        consumer.subscribe(List.of(rolloutsTopic));
    }

    /** Sends every request and waits until the broker has them all. */
    public void publish(List<RolloutRequest> batch) {
        for (RolloutRequest request : batch) {
            producer.send(new ProducerRecord<>(promptsTopic, keys.serialize(promptsTopic, request.getRequestId()),
                    requests.serialize(promptsTopic, request)));
        }
        producer.flush();
    }

    /** The rollouts that arrived within {@code timeout}, leaving out sequences already returned. */
    public List<Rollout> poll(Duration timeout) {
        List<Rollout> arrived = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            Rollout rollout = rollouts.deserialize(rolloutsTopic, record.value());
            if (seen.add(rollout.getRequestId() + "#" + rollout.getSampleIndex())) {
                arrived.add(rollout);
            }
        }
        return arrived;
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
    }
}
