package io.specstream.selector;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.selector.stream.SelectorMetrics;
import io.specstream.selector.stream.SelectorTopology;
import io.specstream.topology.catalogue.ConsumerGroups;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.client.ClientSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The selector as a running Kafka Streams application (one stream thread, at_least_once: assignments are hints and
 * exactly_once_v2 would cost ~100 ms per hop).
 *
 * <pre>{@code
 * try (SelectorService selector = new SelectorService(settings, catalogue, SelectorConfig.defaults())) {
 *     selector.start();            // returns once RUNNING, or throws with the reason
 *     selector.awaitTermination(); // until close() from another thread, or a failure
 * }
 * }</pre>
 * The application id is {@code <topic prefix>specstream-selector<suffix>}, so a topic prefix isolates deployments;
 * the per-request store's changelog is {@code <application id>-selector-requests-changelog}.
 * {@link SelectorMetrics} and, while it runs, the Streams client's own metrics (consumer lag among them) go to the
 * registry given.
 */
public final class SelectorService implements AutoCloseable {

    public static final String APPLICATION_ID_BASE = ConsumerGroups.SELECTOR;
    private static final Logger LOG = LoggerFactory.getLogger(SelectorService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final String LEAVE_GROUP_ON_CLOSE = "internal.leave.group.on.close";

    private final ClientSettings settings;
    private final TopicCatalogue catalogue;
    private final SelectorConfig config;
    private final String applicationId;
    private final MeterRegistry meterRegistry;
    private final SelectorMetrics metrics;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private Path temporaryStateDir;

    public SelectorService(ClientSettings settings, TopicCatalogue catalogue, SelectorConfig config) {
        this(settings, catalogue, config, new SimpleMeterRegistry());
    }

    public SelectorService(ClientSettings settings, TopicCatalogue catalogue, SelectorConfig config,
                           MeterRegistry registry) {
        this.meterRegistry = registry;
        this.metrics = SelectorMetrics.on(registry);
        this.settings = settings;
        this.catalogue = catalogue;
        this.config = config;
        this.applicationId = catalogue.prefix() + APPLICATION_ID_BASE + config.applicationIdSuffix();
    }

    public String applicationId() {
        return applicationId;
    }

    /** Starts the streams instance and returns once it is RUNNING; throws with the reason if it fails or times out. */
    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("the selector " + applicationId + " was already started");
        }
        SchemaRegistry registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        streams = new KafkaStreams(new SelectorTopology(catalogue, registry, config, metrics).build(), properties());
        streams.setUncaughtExceptionHandler(exception -> {
            failure.compareAndSet(null, exception);
            LOG.error("selector {} failed", applicationId, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            } else if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                running.countDown();
                stopped.countDown();
            }
        });
        streams.start();
        boolean settled = await(running, config.startTimeout());
        if (!settled || streams.state() != KafkaStreams.State.RUNNING) {
            String state = String.valueOf(streams.state());
            Throwable cause = failure.get();
            close();
            throw new IllegalStateException("selector " + applicationId + " did not reach RUNNING within "
                    + config.startTimeout().toMillis() + " ms (state " + state + ")"
                    + (cause == null ? "" : ": " + cause.getMessage()), cause);
        }
        // bound once RUNNING, when the stream thread's clients and tasks exist; later ones come with its refresh
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meterRegistry);
    }

    /**
     * Blocks until the instance stops ({@link #close()} from another thread, or a failure); the failure, if any.
     */
    public Optional<Throwable> awaitTermination() throws InterruptedException {
        stopped.await();
        return Optional.ofNullable(failure.get());
    }

    /** Stops processing, commits, leaves the group (so a successor gets the partitions at once) and cleans up. */
    @Override
    public synchronized void close() {
        if (streams == null) {
            return;
        }
        if (streamsMetrics != null) {
            streamsMetrics.close(); // before the client it reads
            streamsMetrics = null;
        }
        try {
            streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(CLOSE_TIMEOUT));
        } finally {
            stopped.countDown();
            if (temporaryStateDir != null) {
                deleteRecursively(temporaryStateDir);
            }
        }
    }

    private Properties properties() {
        Properties props = new Properties();
        props.putAll(settings.kafkaCommon());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
        // a record the serdes cannot read is logged and skipped: bad input must not stop the selector
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // Streams keeps a closed member in the group until its session times out (45 s) unless told to leave: a
        // restarted selector would decide nothing meanwhile, and its assignments are only useful in real time.
        props.put(StreamsConfig.mainConsumerPrefix(LEAVE_GROUP_ON_CLOSE), true);
        return props;
    }

    private Path stateDir() {
        if (config.stateDir().isPresent()) {
            return config.stateDir().get();
        }
        try {
            temporaryStateDir = Files.createTempDirectory(applicationId + "-state");
            return temporaryStateDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary state directory for " + applicationId, e);
        }
    }

    private static boolean await(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete the temporary state directory {}", root, e);
        }
    }
}
