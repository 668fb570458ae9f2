package io.specstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.schemas.SampleRecords;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.testkit.TestRegistryExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

    @RegisterExtension
    static final TestRegistryExtension REGISTRY = new TestRegistryExtension();

    private static SchemaRegistry registry;

    @BeforeAll
    static void connect() {
        registry = REGISTRY.client();
    }

    static Stream<Arguments> everyRecord() {
        return Stream.of(
                Arguments.of("prompts", SampleRecords.rolloutRequest()),
                Arguments.of("rollouts", SampleRecords.rollout()),
                Arguments.of("commits", SampleRecords.commitUpdate()),
                Arguments.of("drafts", SampleRecords.draftChunk()),
                Arguments.of("acceptance", SampleRecords.acceptanceEvent()),
                Arguments.of("assignments", SampleRecords.drafterAssignment()),
                Arguments.of("heartbeats", SampleRecords.draftHeartbeat()),
                Arguments.of("sequences", SampleRecords.sequenceSnapshot()),
                Arguments.of("dead-letters", SampleRecords.deadLetter()));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyRecord")
    <T extends SpecificRecord> void recordRoundTripsThroughATopicAndTheRegistry(String topic, T sample) {
        @SuppressWarnings("unchecked")
        AvroSerde<T> serde = AvroSerde.of((Class<T>) sample.getClass(), registry);

        T received = produceAndConsumeOne(topic, sample, serde);

        assertEquals(sample, received);
        assertSame(sample.getClass(), received.getClass());
        assertTrue(registry.subjects().contains(topic + "-value"), "subject " + topic + "-value registered");
    }

    @Test
    void generatedClassesDeserializeWithoutAnyTrustedPackagesFlag() {
        assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"), "test must run without the -D flag");
        AvroSerde<RolloutRequest> serde = AvroSerde.of(RolloutRequest.class, registry);

        Object back = serde.deserialize("trust", serde.serialize("trust", SampleRecords.rolloutRequest()));

        assertSame(RolloutRequest.class, back.getClass());
    }

    private <T extends SpecificRecord> T produceAndConsumeOne(String topic, T sample, AvroSerde<T> serde) {
        try (KafkaProducer<String, T> producer =
                     new KafkaProducer<>(REGISTRY.kafka().clientConfig(), new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, "req-0007", sample)).get();
        } catch (Exception e) {
            throw new AssertionError("produce failed", e);
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, T> consumer =
                     new KafkaConsumer<>(REGISTRY.kafka().clientConfig(), new StringDeserializer(), serde.deserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<String, T>> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertEquals(1, received.size(), "records received from " + topic);
            assertEquals("req-0007", received.get(0).key());
            return received.get(0).value();
        }
    }
}
