package io.specstream.topology.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka cluster (KRaft, combined broker and controller) running inside this JVM, started from
 * Kafka's own classes the way {@code kafka-storage format} + {@code kafka-server-start} do: format the log directory
 * once, then run {@link KafkaRaftServer}. Used by the embedded default run ({@code specstream up|run}) and by tests.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDirectory;
    private final boolean temporary;
    private final Map<String, String> adminClientProperties;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDirectory, boolean temporary,
                          Map<String, String> adminClientProperties) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDirectory = dataDirectory;
        this.temporary = temporary;
        this.adminClientProperties = Map.copyOf(adminClientProperties);
    }

    public static EmbeddedKafka start(EmbeddedKafkaSettings settings) {
        boolean temporary = settings.dataDirectory().isEmpty();
        Path dataDirectory = settings.dataDirectory().orElseGet(EmbeddedKafka::temporaryDirectory);
        int brokerPort = FreePort.orFree(settings.port());
        int controllerPort = FreePort.pick();
        BrokerProperties broker = new BrokerProperties(NODE_ID, brokerPort, controllerPort, dataDirectory.resolve("logs"),
                settings.sasl());
        KafkaConfig config = new KafkaConfig(broker.toProperties(settings.overrides()), false);
        format(broker);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        Map<String, String> admin = settings.sasl().map(sasl -> sasl.superUser().clientProperties()).orElse(Map.of());
        EmbeddedKafka kafka = new EmbeddedKafka(server, "127.0.0.1:" + brokerPort, dataDirectory, temporary, admin);
        try {
            kafka.awaitReady();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * What a client needs beyond bootstrap.servers to administer this broker: nothing on a PLAINTEXT listener, the
     * super user's SASL login on a SCRAM one.
     */
    public Map<String, String> adminClientProperties() {
        return adminClientProperties;
    }

    /** Controlled shutdown: flushes logs and writes the clean-shutdown marker, so the directory restarts cleanly. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            deleteRecursively(dataDirectory);
        }
    }

    /**
     * Formats the metadata log unless a previous run already did: then meta.properties holds the cluster id, and
     * formatting again (even with "ignore formatted") would check it against a new random one.
     */
    private static void format(BrokerProperties broker) {
        String logDir = broker.logDirectory().toString();
        if (Files.exists(broker.logDirectory().resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(broker.logDirectory());
            Formatter formatter = new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(broker.nodeId())
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(Optional.of(logDir))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName(BrokerProperties.CONTROLLER_LISTENER);
            broker.sasl().ifPresent(sasl -> formatter.setScramArguments(sasl.formatArguments()));
            formatter.run();
        } catch (Exception e) {
            throw new KafkaException("could not format the embedded broker's data directory " + logDir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Startup returns before the broker serves requests: wait until it lists itself in the cluster metadata. */
    private void awaitReady() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Map<String, Object> adminConfig = new HashMap<>(adminClientProperties);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new KafkaException("embedded broker at " + bootstrapServers + " did not become ready in "
                                + READY_TIMEOUT.toSeconds() + " s", e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaException("interrupted while waiting for the embedded broker", e);
                }
            }
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("specstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary data directory", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
