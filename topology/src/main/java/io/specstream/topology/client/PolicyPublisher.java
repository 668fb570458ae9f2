package io.specstream.topology.client;

import io.specstream.schemas.avro.PolicyVersion;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The trainer's side of a policy switch: publishes a {@link PolicyVersion} on the {@code policies} topic, keyed by the
 * version number, with absolute model directories, and waits until the broker has it.
 *
 * <pre>{@code
 * new PolicyPublisher(settings, catalogue, registry).publish(3, Path.of("/policies/v3"), List.of());
 * }</pre>
 */
public final class PolicyPublisher {

    private final ClientSettings settings;
    private final String topic;
    private final SchemaRegistry registry;

    public PolicyPublisher(ClientSettings settings, TopicCatalogue catalogue, SchemaRegistry registry) {
        this.settings = settings;
        this.topic = catalogue.name(Topics.POLICIES);
        this.registry = registry;
    }

    /** Publishes {@code version} decoded by {@code modelDir}, drafted by {@code draftModelDirs}; returns the record. */
    public PolicyVersion publish(long version, Path modelDir, List<Path> draftModelDirs) {
        PolicyVersion record = PolicyVersion.newBuilder()
                .setVersion(version)
                .setModelDir(absolute(modelDir))
                .setDraftModelDirs(draftModelDirs.stream().map(PolicyPublisher::absolute).toList())
                .setPublishedAtMs(System.currentTimeMillis())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer())) {
            producer.send(new ProducerRecord<>(topic,
                    Topics.POLICIES.keySerde(registry).serializer().serialize(topic, String.valueOf(version)),
                    Topics.POLICIES.valueSerde(registry).serializer().serialize(topic, record))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing policy version " + version, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("policy version " + version + " not published to " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        return record;
    }

    private static String absolute(Path dir) {
        return dir.toAbsolutePath().normalize().toString();
    }
}
