package io.specstream.topology.embedded;

import io.specstream.schemas.registry.EmbeddedSchemaRegistry;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.topology.admin.BootstrapReport;
import io.specstream.topology.admin.SchemaBootstrap;
import io.specstream.topology.admin.TopicBootstrap;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import org.apache.kafka.clients.admin.Admin;

/**
 * Everything the default run needs beside the services: the in-process broker, the schema registry storing its
 * schemas in that broker, and the catalogue's topics. Closing stops the registry first, then the broker.
 */
public final class EmbeddedStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final BootstrapReport topics;

    private EmbeddedStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, BootstrapReport topics) {
        this.kafka = kafka;
        this.registry = registry;
        this.topics = topics;
    }

    public static EmbeddedStack start(EmbeddedKafkaSettings kafkaSettings, int registryPort, TopicCatalogue catalogue) {
        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaSettings);
        try {
            ClientSettings plain = new ClientSettings(kafka.bootstrapServers(), "http://127.0.0.1",
                    kafka.adminClientProperties());
            BootstrapReport report;
            try (Admin admin = Admin.create(plain.admin())) {
                report = new TopicBootstrap(admin, catalogue).ensureTopics();
            }
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                    plain.kafkaCommon(), catalogue.name(Topics.SCHEMAS), FreePort.orFree(registryPort));
            try {
                new SchemaBootstrap(new RestSchemaRegistryClient(registry.url()), catalogue).registerAll();
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            return new EmbeddedStack(kafka, registry, report);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String schemaRegistryUrl() {
        return registry.url();
    }

    /** Settings reaching this broker and registry; on a SCRAM listener they log in as its super user. */
    public ClientSettings clientSettings() {
        return new ClientSettings(bootstrapServers(), schemaRegistryUrl(), kafka.adminClientProperties());
    }

    public BootstrapReport topics() {
        return topics;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
