package io.specstream.topology.testing;

import io.specstream.schemas.registry.EmbeddedSchemaRegistry;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.testkit.TestKafka;
import io.specstream.topology.admin.SchemaBootstrap;
import io.specstream.topology.admin.TopicBootstrap;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * A test's whole environment: a real broker ({@link TestKafka}: in-process KRaft, or a container where Docker
 * runs), the embedded registry storing schemas in it, and the catalogue's topics with their schemas registered.
 */
public final class TestCluster implements AutoCloseable {

    private final TestKafka kafka;
    private final EmbeddedSchemaRegistry registryServer;
    private final TopicCatalogue catalogue;
    private final ClientSettings settings;

    private TestCluster(TestKafka kafka, EmbeddedSchemaRegistry registryServer, TopicCatalogue catalogue) {
        this.kafka = kafka;
        this.registryServer = registryServer;
        this.catalogue = catalogue;
        Map<String, String> passThrough = kafka.clientConfig().entrySet().stream()
                .filter(entry -> !entry.getKey().equals("bootstrap.servers"))
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> String.valueOf(entry.getValue())));
        this.settings = new ClientSettings(kafka.bootstrapServers(), registryServer.url(), passThrough);
    }

    public static TestCluster start(TopicCatalogue catalogue) {
        TestKafka kafka = TestKafka.start();
        try {
            try (Admin admin = Admin.create(kafka.clientConfig())) {
                new TopicBootstrap(admin, catalogue).ensureTopics();
            }
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                    kafka.clientConfig(), catalogue.name(Topics.SCHEMAS), 0);
            TestCluster cluster = new TestCluster(kafka, registry, catalogue);
            new SchemaBootstrap(cluster.registry(), catalogue).registerAll();
            return cluster;
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public ClientSettings settings() {
        return settings;
    }

    public TopicCatalogue catalogue() {
        return catalogue;
    }

    /** A fresh registry client (its own cache), as a separate process would have. */
    public SchemaRegistry registry() {
        return new RestSchemaRegistryClient(registryServer.url());
    }

    @Override
    public void close() {
        try {
            registryServer.close();
        } finally {
            kafka.close();
        }
    }
}
