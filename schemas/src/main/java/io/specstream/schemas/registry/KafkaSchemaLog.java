package io.specstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: a compacted one-partition topic laid out as Confluent's {@code _schemas}.
 * <pre>
 * key:   {"keytype":"SCHEMA","subject":"prompts-value","version":1,"magic":1}
 * value: {"subject":"prompts-value","version":1,"id":1,"schema":"{...}","deleted":false}
 * </pre>
 * Records with other key types (CONFIG, NOOP, ... from a real Confluent registry) and tombstones are skipped.
 */
final class KafkaSchemaLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final TopicPartition partition;
    private final ObjectMapper json = new ObjectMapper();
    private final KafkaProducer<String, String> producer;

    KafkaSchemaLog(Map<String, Object> clientConfig, String topic) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        createTopicIfMissing();
        Map<String, Object> producerConfig = new HashMap<>(this.clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    }

    /** Reads the topic from the beginning up to its end offset at the time of the call. */
    List<RegisteredSchema> readAll() {
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        List<RegisteredSchema> entries = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                            "could not read " + topic + " up to offset " + end + " within " + TIMEOUT);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    decode(record).ifPresent(entries::add);
                }
            }
        }
        LOG.info("Read {} schema registrations from {}", entries.size(), topic);
        return entries;
    }

    /** Appends one registration and waits until the broker acknowledged it on all in-sync replicas. */
    void append(RegisteredSchema entry) {
        ObjectNode key = json.createObjectNode();
        key.put("keytype", "SCHEMA").put("subject", entry.subject()).put("version", entry.version()).put("magic", 1);
        ObjectNode value = json.createObjectNode();
        value.put("subject", entry.subject()).put("version", entry.version()).put("id", entry.id())
                .put("schema", entry.schema()).put("deleted", false);
        try {
            producer.send(new ProducerRecord<>(topic, 0, key.toString(), value.toString()))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw storeError(e);
        }
    }

    private SchemaRegistryException storeError(Exception e) {
        return new SchemaRegistryException(500, SchemaRegistryException.STORE_ERROR,
                "Error while storing the schema in topic " + topic + ": " + e, e);
    }

    private Optional<RegisteredSchema> decode(ConsumerRecord<String, String> record) {
        if (record.key() == null || record.value() == null) {
            return Optional.empty();
        }
        try {
            JsonNode key = json.readTree(record.key());
            JsonNode value = json.readTree(record.value());
            if (!"SCHEMA".equals(key.path("keytype").asText()) || value.path("deleted").asBoolean(false)) {
                return Optional.empty();
            }
            return Optional.of(new RegisteredSchema(value.path("subject").asText(), value.path("version").asInt(),
                    value.path("id").asInt(), value.path("schema").asText()));
        } catch (IOException e) {
            LOG.warn("Skipping unreadable record at offset {} of {}: {}", record.offset(), topic, e.toString());
            return Optional.empty();
        }
    }

    private void createTopicIfMissing() {
        try (Admin admin = Admin.create(clientConfig)) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(newTopic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw storeError(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError(e);
        } catch (TimeoutException e) {
            throw storeError(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
