package io.specstream.topology.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The Kafka clients' own metrics (consumer lag {@code records-lag-max}, fetch and request rates, ...) bound into a
 * registry through Micrometer's {@link KafkaClientMetrics}, until {@link #close()} unbinds them. Close it before the
 * clients, so that no scrape reads a closed client:
 *
 * <pre>{@code
 * try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
 *      KafkaClientMeters meters = new KafkaClientMeters(registry).consumer(consumer)) {
 *     ...
 * }
 * }</pre>
 */
public final class KafkaClientMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final Deque<KafkaClientMetrics> bound = new ArrayDeque<>();

    public KafkaClientMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public KafkaClientMeters consumer(Consumer<?, ?> consumer) {
        return bind(new KafkaClientMetrics(consumer));
    }

    public KafkaClientMeters producer(Producer<?, ?> producer) {
        return bind(new KafkaClientMetrics(producer));
    }

    /** Removes every client's meters from the registry and stops their refresh threads. */
    @Override
    public void close() {
        while (!bound.isEmpty()) {
            bound.pop().close();
        }
    }

    private KafkaClientMeters bind(KafkaClientMetrics metrics) {
        try {
            metrics.bindTo(registry);
        } catch (RuntimeException e) {
            metrics.close(); // its refresh thread started with it
            throw e;
        }
        bound.push(metrics);
        return this;
    }
}
