package io.specstream.verify.service;

import io.specstream.schemas.avro.PolicyStatus;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.verify.policy.PolicyEngines;
import io.specstream.verify.policy.PolicyStatusView;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Tells operators what this verifier has of the policy versions: whenever that changed, a {@link PolicyStatus} keyed
 * by the instance goes to the compacted {@code policy-status} topic ({@code specstream policy list} reads it). Runs on
 * the policy feed's thread, after each of its polls.
 */
final class PolicyStatusPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyStatusPublisher.class);

    private final PolicyEngines engines;
    private final String instance;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Serializer<String> keys;
    private final Serializer<PolicyStatus> values;
    private final Clock clock = Clock.systemUTC();
    private PolicyStatusView published;

    PolicyStatusPublisher(ClientSettings settings, TopicCatalogue catalogue, SchemaRegistry registry,
                          PolicyEngines engines, String instance) {
        this.engines = engines;
        this.instance = instance;
        this.producer = new KafkaProducer<>(settings.producer());
        this.topic = catalogue.name(Topics.POLICY_STATUS);
        this.keys = Topics.POLICY_STATUS.keySerde(registry).serializer();
        this.values = Topics.POLICY_STATUS.valueSerde(registry).serializer();
    }

    /** Publishes the verifier's status if it changed since the last one published. */
    void publishIfChanged() {
        PolicyStatusView now = engines.status();
        if (now.equals(published)) {
            return;
        }
        PolicyStatus status = PolicyStatus.newBuilder()
                .setInstance(instance)
                .setLoaded(now.loaded())
                .setAdmitting(now.admitting().isPresent() ? now.admitting().getAsLong() : null)
                .setLoading(now.loading())
                .setFailed(now.failed())
                .setUpdatedAtMs(clock.millis())
                .build();
        producer.send(new ProducerRecord<>(topic, keys.serialize(topic, instance), values.serialize(topic, status)),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.warn("policy status of {} not published: {}", instance, error.getMessage());
                    }
                });
        published = now;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
