package io.specstream.contract;

import io.specstream.schemas.avro.PolicyVersion;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.client.TopicSnapshot;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.deadletter.RecordDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows the {@code policies} topic (every partition, no group) on a thread of its own: each usable version
 * published reaches {@code onVersion}; after every poll {@code afterPoll} runs on the same thread (a service's own
 * bookkeeping: publishing its status, loading what was announced). {@link #catchUp} reads the whole topic on the
 * caller's thread first, so a service knows every version published before it takes its first request. A record
 * that is not a usable version (version below 1, no model directory) is a dead letter.
 *
 * <pre>{@code
 * try (PolicyFeed feed = new PolicyFeed(settings, catalogue, registry, deadLetters, versions::published, () -> { })) {
 *     feed.catchUp();   // every version so far, here
 *     feed.start();     // the rest as they come, on "policy-feed"
 * }
 * }</pre>
 */
public final class PolicyFeed implements Runnable, AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration CATCH_UP_DEADLINE = Duration.ofMinutes(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RecordDecoder<PolicyVersion> versions;
    private final DeadLetterPublisher deadLetters;
    private final Consumer<PolicyVersion> onVersion;
    private final Runnable afterPoll;
    private final List<TopicPartition> partitions;
    private volatile boolean open = true;
    private Thread thread;

    public PolicyFeed(ClientSettings settings, TopicCatalogue catalogue, SchemaRegistry registry,
                      DeadLetterPublisher deadLetters, Consumer<PolicyVersion> onVersion, Runnable afterPoll) {
        this.deadLetters = deadLetters;
        this.onVersion = onVersion;
        this.afterPoll = afterPoll;
        Map<String, Object> config = settings.consumer("unused", false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config);
        this.versions = new RecordDecoder<>(Topics.POLICIES.valueSerde(registry).deserializer(), deadLetters);
        String topic = catalogue.name(Topics.POLICIES);
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    /** Reads every version published so far, on the caller's thread, before {@link #start}. */
    public void catchUp() {
        // leaves the consumer assigned and positioned at the end, where run() goes on
        TopicSnapshot.readToEnd(consumer, partitions, CATCH_UP_DEADLINE).forEach(this::take);
    }

    /** Follows the topic on a daemon thread, "policy-feed", until {@link #close}. */
    public PolicyFeed start() {
        thread = new Thread(this, "policy-feed");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    @Override
    public void run() {
        try {
            while (open) {
                consumer.poll(POLL).forEach(this::take);
                afterPoll.run();
            }
        } catch (WakeupException e) {
            if (open) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone: an operator removed a version's record; what was loaded stays until it retires
        }
        versions.decode(record).ifPresent(version -> {
            if (version.getVersion() < 1 || version.getModelDir().isBlank()) {
                deadLetters.publish(record, "policy version " + version.getVersion() + " with model_dir '"
                        + version.getModelDir() + "' is not usable; allowed: version >= 1 (0 is each verifier's own "
                        + "model) and a model directory", null);
                return;
            }
            onVersion.accept(version);
        });
    }

    /** Stops following and waits for the thread, if {@link #start}ed; otherwise closes the consumer. */
    @Override
    public void close() {
        open = false;
        consumer.wakeup();
        if (thread == null) {
            consumer.close();
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
