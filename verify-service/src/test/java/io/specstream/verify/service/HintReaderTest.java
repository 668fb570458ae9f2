package io.specstream.verify.service;

import io.specstream.schemas.avro.DraftBatch;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.topology.catalogue.ConsumerGroups;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.testing.Await;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The verifier's hints read and decoded on a thread of their own, on the real broker. */
class HintReaderTest {

    private static final long AN_HOUR_AGO = System.currentTimeMillis() - 3_600_000;

    private static PipelineFixture fixture;
    /** For the readers' dead letters (none expected). */
    private static KafkaProducer<byte[], byte[]> deadLetterProducer;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
        deadLetterProducer = new KafkaProducer<>(fixture.settings().producer());
    }

    @AfterAll
    static void stop() {
        deadLetterProducer.close();
        fixture.close();
    }

    @Test
    void aPlacedDraftsPartitionYieldsTheChunksStampedFromThePlaceOnDecoded() {
        TopicCatalogue topics = fixture.freshTopics();
        TopicPartition drafts = new TopicPartition(topics.name(Topics.DRAFTS), 0);
        publish(topics, Topics.DRAFTS, AN_HOUR_AGO, batch("old", 0, 7, 8));
        publish(topics, Topics.DRAFTS, System.currentTimeMillis(), batch("new", 3, 9, 10, 11));

        List<HintReader.Hint> hints = new ArrayList<>();
        try (HintReader reader = reader(topics)) {
            reader.follow(List.of(drafts), List.of(), true);
            reader.place(drafts, AN_HOUR_AGO + 60_000);
            Await.until("the new chunk", () -> hints.addAll(reader.take()) && !hints.isEmpty());
        }

        InputRecords.OfferedTail offered = ((HintReader.Hint.Tails) hints.get(0)).offered().get(0);
        assertEquals(1, hints.size(), "the chunk stamped before the place is skipped");
        assertEquals("new#0", offered.key().toString());
        assertEquals(3, offered.tail().startPosition());
        assertEquals(List.of(9, 10, 11), Arrays.stream(offered.tail().tokens()).boxed().toList());
    }

    @Test
    void assignmentsAreReadFromTheBeginningAndATombstoneComesBackAsNoAssignment() {
        TopicCatalogue topics = fixture.freshTopics();
        TopicPartition assignments = new TopicPartition(topics.name(Topics.ASSIGNMENTS), 0);
        DrafterAssignment assignment = DrafterAssignment.newBuilder().setRequestId("r1")
                .setDrafters(List.of("suffix")).setPrimary("suffix").setK(3).setUpdatedAtMs(1).build();
        publish(topics, Topics.ASSIGNMENTS, System.currentTimeMillis(), assignment);
        publish(topics, Topics.ASSIGNMENTS, System.currentTimeMillis(), null);

        List<HintReader.Hint> hints = new ArrayList<>();
        try (HintReader reader = reader(topics)) {
            reader.follow(List.of(), List.of(assignments), true);
            Await.until("both assignment records", () -> hints.addAll(reader.take()) && hints.size() == 2);
        }

        List<Optional<DrafterAssignment>> read = hints.stream()
                .map(hint -> ((HintReader.Hint.Assigned) hint).assignment()).toList();
        assertEquals(List.of(Optional.of(assignment), Optional.empty()), read);
        assertEquals("r1", ((HintReader.Hint.Assigned) hints.get(1)).requestId());
    }

    private static HintReader reader(TopicCatalogue topics) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(fixture.settings().consumer(
                ConsumerGroups.verifyHints("hint-reader-" + UUID.randomUUID()), false));
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(deadLetterProducer,
                Topics.DEAD_LETTERS.valueSerde(fixture.registry()).serializer(), topics, Clock.systemUTC());
        return new HintReader(consumer, new InputRecords(fixture.registry(), deadLetters), topics);
    }

    private static DraftBatch batch(String requestId, int start, int... tokens) {
        List<Integer> ids = new ArrayList<>();
        for (int token : tokens) {
            ids.add(token);
        }
        return DraftBatch.newBuilder().setTimestampMs(0).setChunks(List.of(DraftChunk.newBuilder()
                .setRequestId(requestId).setSampleIndex(0).setDrafter("draft-small").setStartPosition(start)
                .setTokens(ids).setBaseCommittedLength(start).setDraftCostMicros(5).build())).build();
    }

    private static <V> void publish(TopicCatalogue topics, TopicSpec<String, V> topic, long timestampMs, V value) {
        String name = topics.name(topic);
        Serializer<V> serializer = topic.valueSerde(fixture.registry()).serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fixture.settings().producer())) {
            producer.send(new ProducerRecord<>(name, 0, timestampMs, "r1".getBytes(StandardCharsets.UTF_8),
                    value == null ? null : serializer.serialize(name, value))).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + name, e);
        }
    }
}
