package io.specstream.pipeline;

import io.specstream.schemas.avro.CommitBatch;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DraftBatch;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers each commit with one of three kinds of chunk the verifier must drop, in turn: a stale one (overlaps the committed tokens but
 * disagrees with the last), one from the future (starts a token past the committed length) and one with ids
 * outside the vocabulary. Each is followed by plausible tokens, so using it would change the output.
 */
final class HostileDrafter implements Runnable, AutoCloseable {

    static final String NAME = "hostile";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ClientSettings settings;
    private final String commitsTopic;
    private final String draftsTopic;
    private final Deserializer<CommitBatch> commits;
    private final Serializer<DraftBatch> chunks;
    private final int vocab;
    private final Map<String, List<Integer>> committed = new HashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private int answered;
    private volatile boolean open = true;

    HostileDrafter(ClientSettings settings, TopicCatalogue catalogue, SchemaRegistry registry, int vocab) {
        this.settings = settings;
        this.commitsTopic = catalogue.name(Topics.COMMITS);
        this.draftsTopic = catalogue.name(Topics.DRAFTS);
        this.commits = Topics.COMMITS.valueSerde(registry).deserializer();
        this.chunks = Topics.DRAFTS.valueSerde(registry).serializer();
        this.vocab = vocab;
        this.consumer = new KafkaConsumer<>(settings.consumer("hostile-" + UUID.randomUUID(), false));
    }

    @Override
    public void run() {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer())) {
            consumer.subscribe(List.of(commitsTopic));
            while (open) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    for (CommitUpdate commit : commits.deserialize(commitsTopic, record.value()).getUpdates()) {
                        if (!commit.getFinished()) {
                            answer(producer, record.partition(), commit);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            if (open) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    /** Chunks published so far. */
    int sent() {
        return sent.get();
    }

    @Override
    public void close() {
        open = false;
        consumer.wakeup();
    }

    private void answer(KafkaProducer<byte[], byte[]> producer, int key, CommitUpdate commit) {
        List<Integer> truth = committed.computeIfAbsent(commit.getRequestId() + "#" + commit.getSampleIndex(),
                k -> new ArrayList<>());
        truth.addAll(commit.getTokens());
        int length = truth.size();
        switch (answered++ % 3) {
            case 0 -> {
                List<Integer> stale = new ArrayList<>(truth);
                stale.set(length - 1, (stale.get(length - 1) + 1) % vocab);
                stale.addAll(List.of(5, 6, 7));
                send(producer, key, commit, 0, stale);
            }
            case 1 -> send(producer, key, commit, length + 1, List.of(5, 6, 7));
            default -> send(producer, key, commit, length, List.of(vocab + 3, -1, 5));
        }
    }

    /** One chunk in a batch of its own, to the partition the commit came from (its request's). */
    private void send(KafkaProducer<byte[], byte[]> producer, int partition, CommitUpdate commit, int start,
                      List<Integer> tokens) {
        DraftChunk chunk = DraftChunk.newBuilder().setRequestId(commit.getRequestId())
                .setSampleIndex(commit.getSampleIndex()).setDrafter(NAME).setStartPosition(start)
                .setTokens(tokens).setBaseCommittedLength(commit.getCommittedLength()).build();
        producer.send(new ProducerRecord<>(draftsTopic, partition, null,
                chunks.serialize(draftsTopic, DraftBatch.newBuilder().setChunks(List.of(chunk)).build())));
        sent.incrementAndGet();
    }
}
