package io.specstream.topology.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where the cluster and the registry are, plus the client properties file whose settings (security.protocol, SASL,
 * TLS, timeouts, ...) pass through unchanged to every Kafka client a command or service creates. Keys starting with
 * {@code schema.registry.} or {@code basic.auth.} go to the registry client instead.
 *
 * <p>Example file:
 * <pre>
 * security.protocol=SASL_SSL
 * sasl.mechanism=SCRAM-SHA-512
 * sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="verify" password="...";
 * ssl.truststore.location=/etc/specstream/truststore.p12
 * </pre>
 */
public record ClientSettings(String bootstrapServers, String schemaRegistryUrl, Map<String, String> clientProperties) {

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    public static final String DEFAULT_SCHEMA_REGISTRY_URL = "http://127.0.0.1:8081";
    private static final List<String> SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final List<String> REGISTRY_PREFIXES = List.of("schema.registry.", "basic.auth.");

    public ClientSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers must be host:port[,host:port...], was empty");
        }
        if (schemaRegistryUrl == null || !schemaRegistryUrl.matches("https?://.+")) {
            throw new IllegalArgumentException("--schema-registry-url must be an http:// or https:// URL, was '"
                    + schemaRegistryUrl + "'");
        }
        clientProperties = Map.copyOf(clientProperties);
        String protocol = clientProperties.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        if (protocol != null && !SECURITY_PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("security.protocol=" + protocol + " is not allowed; use one of "
                    + SECURITY_PROTOCOLS);
        }
    }

    /** Reads the optional properties file; a missing or unreadable file is an error that names it. */
    public static ClientSettings load(String bootstrapServers, String schemaRegistryUrl, Optional<Path> propertiesFile) {
        Map<String, String> properties = new TreeMap<>();
        if (propertiesFile.isPresent()) {
            Path file = propertiesFile.get();
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("--client-config file " + file + " does not exist or is not readable");
            }
            Properties loaded = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                loaded.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("--client-config file " + file + " could not be read: "
                        + e.getMessage(), e);
            }
            loaded.stringPropertyNames().forEach(key -> properties.put(key, loaded.getProperty(key)));
        }
        return new ClientSettings(bootstrapServers, schemaRegistryUrl, properties);
    }

    public static ClientSettings of(String bootstrapServers, String schemaRegistryUrl) {
        return new ClientSettings(bootstrapServers, schemaRegistryUrl, Map.of());
    }

    /** Settings every Kafka client gets: bootstrap servers and every pass-through property. */
    public Map<String, Object> kafkaCommon() {
        Map<String, Object> config = new HashMap<>();
        clientProperties.forEach((key, value) -> {
            if (REGISTRY_PREFIXES.stream().noneMatch(key::startsWith)) {
                config.put(key, value);
            }
        });
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    /** Raw-bytes producer: values are framed by the catalogue's serdes before sending. linger 0: latency matters. */
    public Map<String, Object> producer() {
        Map<String, Object> config = kafkaCommon();
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /**
     * Raw-bytes consumer, so that one undecodable record becomes a dead letter instead of a poll() that throws
     * forever on the same offset. {@code fetch.max.wait.ms} 50 instead of Kafka's 500: a consumer has one fetch in
     * flight per broker, and a partition whose position was just set (an assignment, a seek) joins only the next
     * fetch, so with 500 a draft instance saw new prompts half a second after the verifier had started on them;
     * the broker still answers at once when data arrives, so only idle consumers fetch more often (20 a second).
     */
    public Map<String, Object> consumer(String groupId, boolean readCommitted) {
        Map<String, Object> config = kafkaCommon();
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    public Map<String, Object> admin() {
        return kafkaCommon();
    }

    /** Settings for the schema-registry client (basic auth and TLS for the registry's REST endpoint). */
    public Map<String, Object> registryClient() {
        Map<String, Object> config = new HashMap<>();
        clientProperties.forEach((key, value) -> {
            if (REGISTRY_PREFIXES.stream().anyMatch(key::startsWith)) {
                config.put(key, value);
            }
        });
        return config;
    }
}
