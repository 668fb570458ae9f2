package io.specstream.testkit;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for tests: a Testcontainers {@code apache/kafka:4.1.2} container where a Docker
 * engine is available, else Kafka's in-process KRaft cluster (one combined broker + controller).
 *
 * <pre>{@code
 * try (TestKafka kafka = TestKafka.start()) {
 *     new KafkaProducer<>(kafka.clientConfig(), ...);
 * }
 * }</pre>
 * Test classes usually share one per class through {@link TestKafkaExtension}.
 */
public final class TestKafka implements AutoCloseable {

    public static final String IMAGE = "apache/kafka:4.1.2";

    private final String bootstrapServers;
    private final AutoCloseable broker;

    private TestKafka(String bootstrapServers, AutoCloseable broker) {
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
    }

    public static TestKafka start() {
        return DockerClientFactory.instance().isDockerAvailable() ? startContainer() : startInProcess();
    }

    private static TestKafka startContainer() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        return new TestKafka(container.getBootstrapServers(), container::stop);
    }

    private static TestKafka startInProcess() {
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    // a single broker cannot satisfy the production defaults of 3 replicas
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new TestKafka(cluster.bootstrapServers(), cluster);
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw new IllegalStateException("could not start the in-process Kafka cluster", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A fresh, mutable map with {@code bootstrap.servers}; add client settings freely. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    @Override
    public void close() {
        try {
            broker.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the test Kafka broker", e);
        }
    }
}
