package io.specstream.topology.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import io.specstream.topology.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @Test
    void servesProduceAndConsumeOnAFreePort() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.temporary())) {
            createTopic(kafka, "echo");
            produce(kafka, "echo", "k", "hello");

            assertEquals(List.of("hello"), consume(kafka, "echo", 1));
        }
    }

    @Test
    void temporaryDataDirectoryIsRemovedOnClose() {
        Path dataDirectory;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.temporary())) {
            dataDirectory = kafka.dataDirectory();
            assertEquals(true, Files.isDirectory(dataDirectory));
        }
        assertEquals(false, Files.exists(dataDirectory));
    }

    @Test
    void restartOnTheSameDataDirectoryKeepsTopicsAndRecords(@TempDir Path dataDirectory) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.persistent(dataDirectory, 0))) {
            createTopic(kafka, "durable");
            produce(kafka, "durable", "k", "kept");
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.persistent(dataDirectory, 0))) {
            assertEquals(List.of("kept"), consume(kafka, "durable", 1));
        }
    }

    private static void createTopic(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
        }
    }

    private static void produce(EmbeddedKafka kafka, String topic, String key, String value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static List<String> consume(EmbeddedKafka kafka, String topic, int count) {
        return TopicReader.read(Map.of("bootstrap.servers", kafka.bootstrapServers()), topic, count,
                new StringDeserializer(), new StringDeserializer()).stream().map(ConsumerRecord::value).toList();
    }
}
