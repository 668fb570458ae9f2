package io.specstream.testkit;

import io.specstream.schemas.registry.EmbeddedSchemaRegistry;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker and one embedded registry (storing schemas in that broker) per test class:
 * <pre>{@code
 * @RegisterExtension
 * static final TestRegistryExtension REGISTRY = new TestRegistryExtension();
 * ... AvroSerde.of(Rollout.class, REGISTRY.client()) ...
 * }</pre>
 */
public final class TestRegistryExtension implements BeforeAllCallback, AfterAllCallback {

    private final TestKafkaExtension kafka = new TestKafkaExtension();
    private EmbeddedSchemaRegistry server;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka.beforeAll(context);
        server = EmbeddedSchemaRegistry.start(kafka.kafka().clientConfig(), EmbeddedSchemaRegistry.DEFAULT_SCHEMAS_TOPIC, 0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (server != null) {
                server.close();
                server = null;
            }
        } finally {
            kafka.afterAll(context);
        }
    }

    public TestKafka kafka() {
        return kafka.kafka();
    }

    /** A registry client with its own cache, as another process would have. */
    public SchemaRegistry client() {
        if (server == null) {
            throw new IllegalStateException("TestRegistryExtension must be registered as a static @RegisterExtension field");
        }
        return new RestSchemaRegistryClient(server.url());
    }
}
