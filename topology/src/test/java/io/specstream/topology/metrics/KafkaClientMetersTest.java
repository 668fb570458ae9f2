package io.specstream.topology.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.Await;
import io.specstream.topology.testing.TestCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kafka clients' own metrics through Micrometer's binders, on a real broker. */
class KafkaClientMetersTest {

    private static final String LAG_MAX = "kafka.consumer.fetch.manager.records.lag.max";
    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(new TopicCatalogue("meters.", 1));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aConsumerOneRecordIntoThreeShowsALagOfTwoUntilTheMetersAreClosed() throws Exception {
        String topic = cluster.catalogue().name(Topics.PROMPTS);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Map<String, Object> config = cluster.settings().consumer("meters-" + UUID.randomUUID(), false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.settings().producer());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, ("r" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
            try (KafkaClientMeters meters = new KafkaClientMeters(registry).consumer(consumer).producer(producer)) {
                consumer.subscribe(List.of(topic));
                Await.until("the first record", () -> !consumer.poll(Duration.ofMillis(100)).isEmpty());

                assertEquals(2.0, lagMax(registry), "records behind the one consumed");
                String scraped = registry.scrape();
                assertTrue(scraped.contains("kafka_consumer_fetch_manager_records_lag_max{"), scraped);
                assertTrue(scraped.contains("kafka_producer_record_send_total{"), scraped);
            }
            assertTrue(registry.find(LAG_MAX).gauges().isEmpty(), "closed meters leave the registry");
        }
    }

    private static double lagMax(PrometheusMeterRegistry registry) {
        return registry.get(LAG_MAX).gauges().stream().mapToDouble(Gauge::value).max().orElse(Double.NaN);
    }
}
