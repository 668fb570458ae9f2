package io.specstream.topology.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.schemas.avro.DeadLetter;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.json.JsonRecordCodec;
import io.specstream.topology.testing.TestCluster;
import io.specstream.topology.testing.TopicReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** An undecodable record becomes a DeadLetter with a clear reason, and the records after it are still read. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UndecodableRecordsTest {

    private TestCluster cluster;
    private final List<DeadLetter> letters = new java.util.ArrayList<>();
    private final List<Optional<RolloutRequest>> decoded = new java.util.ArrayList<>();

    @BeforeAll
    void publishBadAndGoodRecordsThenDecodeThemAll() throws Exception {
        cluster = TestCluster.start(new TopicCatalogue("dlq.", 1));
        String prompts = cluster.catalogue().name(Topics.PROMPTS);
        var serde = Topics.PROMPTS.valueSerde(cluster.registry());
        RolloutRequest good = new JsonRecordCodec().fromJson("{\"request_id\": \"good\", \"prompt_text\": \"Q\"}",
                RolloutRequest.class);
        byte[] valid = serde.serializer().serialize(prompts, good);
        byte[] unknownId = ByteBuffer.allocate(valid.length).put((byte) 0).putInt(987_654)
                .put(valid, 5, valid.length - 5).array();
        List<byte[]> values = List.of(
                "plain text, not our framing".getBytes(StandardCharsets.UTF_8),
                unknownId,
                Arrays.copyOf(valid, 7),
                valid);
        try (var producer = new KafkaProducer<byte[], byte[]>(cluster.settings().producer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(prompts, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        values.get(i))).get();
            }
            var deadLetters = new DeadLetterPublisher(producer,
                    Topics.DEAD_LETTERS.valueSerde(cluster.registry()).serializer(), cluster.catalogue(),
                    Clock.systemUTC());
            var decoder = new RecordDecoder<>(serde.deserializer(), deadLetters);
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.read(cluster.settings().kafkaCommon(), prompts,
                    values.size(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                decoded.add(decoder.decode(record));
            }
            producer.flush();
        }
        var letterSerde = Topics.DEAD_LETTERS.valueSerde(cluster.registry());
        TopicReader.read(cluster.settings().kafkaCommon(), cluster.catalogue().name(Topics.DEAD_LETTERS), 3,
                        new StringDeserializer(), letterSerde.deserializer())
                .forEach(record -> letters.add(record.value()));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void theValidRecordAfterThreeBadOnesIsStillDecoded() {
        assertEquals(4, decoded.size());
        assertEquals(List.of(false, false, false, true), decoded.stream().map(Optional::isPresent).toList());
        assertEquals("good", decoded.get(3).orElseThrow().getRequestId());
    }

    @Test
    void everyBadRecordBecomesOneDeadLetterWithItsOrigin() {
        assertEquals(3, letters.size());
        assertEquals(List.of(0L, 1L, 2L), letters.stream().map(DeadLetter::getOriginalOffset).toList());
        assertEquals(List.of("key-0", "key-1", "key-2"), letters.stream().map(l -> StandardCharsets.UTF_8.decode(l.getOriginalKey()).toString())
                .toList());
        letters.forEach(letter -> assertEquals("dlq.prompts", letter.getOriginalTopic()));
    }

    @Test
    void garbageIsReportedAsNotOurFraming() {
        assertTrue(letters.get(0).getReason().toLowerCase().contains("magic byte"), letters.get(0).getReason());
    }

    @Test
    void unknownSchemaIdIsReportedWithTheId() {
        assertTrue(letters.get(1).getReason().contains("987654"), letters.get(1).getReason());
    }

    @Test
    void truncatedRecordIsReportedAsTruncated() {
        String reason = letters.get(2).getReason().toLowerCase();
        assertTrue(reason.contains("truncated") || reason.contains("too short"), reason);
    }
}
