package io.specstream.schemas.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small Confluent-compatible schema registry (Avro only, BACKWARD compatibility) stored in a
 * compacted Kafka topic, so ids survive restarts. Exactly one instance may write a given topic at
 * a time: ids are assigned from the in-memory state, not coordinated between instances.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
 *         Map.of("bootstrap.servers", "localhost:9092"), "_schemas", 0)) {
 *     SchemaRegistry client = new RestSchemaRegistryClient(registry.url());
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    public static final String DEFAULT_SCHEMAS_TOPIC = "_schemas";

    private final KafkaSchemaLog log;
    private final HttpServer server;
    private final ExecutorService executor;

    private EmbeddedSchemaRegistry(KafkaSchemaLog log, HttpServer server, ExecutorService executor) {
        this.log = log;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Creates the topic if missing, replays it, then serves on 127.0.0.1:{@code port} (0 = a free port).
     * {@code kafkaClientConfig} (bootstrap.servers plus any security settings) goes to every Kafka client.
     */
    public static EmbeddedSchemaRegistry start(Map<String, Object> kafkaClientConfig, String schemasTopic, int port) {
        if (kafkaClientConfig.get("bootstrap.servers") == null) {
            throw new IllegalArgumentException("kafkaClientConfig must contain bootstrap.servers");
        }
        if (schemasTopic == null || schemasTopic.isBlank()) {
            throw new IllegalArgumentException("schemasTopic must be a topic name, e.g. " + DEFAULT_SCHEMAS_TOPIC);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, got: " + port);
        }
        KafkaSchemaLog log = new KafkaSchemaLog(kafkaClientConfig, schemasTopic);
        try {
            RegistryService service = new RegistryService(log);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
            ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
                Thread thread = new Thread(runnable, "schema-registry-http");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            server.createContext("/", new RegistryHttpApi(service));
            server.start();
            return new EmbeddedSchemaRegistry(log, server, executor);
        } catch (IOException e) {
            log.close();
            throw new UncheckedIOException("could not listen on port " + port, e);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** e.g. {@code http://127.0.0.1:38081} */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }
}
