package io.specstream.selector;

import static io.specstream.selector.stream.AcceptanceEvents.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.schemas.avro.AcceptanceBatch;
import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.selector.stream.SelectorMetrics;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.Await;
import io.specstream.topology.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The selector as a Kafka Streams application on a real broker. */
class SelectorServiceTest {

    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(new TopicCatalogue("", 2));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void producedAcceptanceEventsBecomeAnAssignmentOnTheAssignmentsTopic() throws Exception {
        String id = "req-" + UUID.randomUUID();
        SelectorConfig config = SelectorConfig.defaults().withApplicationIdSuffix("-wiring");
        try (SelectorService selector = new SelectorService(cluster.settings(), cluster.catalogue(), config);
             AssignmentsTopic assignments = new AssignmentsTopic(cluster, id)) {
            selector.start();
            for (int i = 0; i < config.minObservations(); i++) {
                publish(step(id, 2).verified("ngram", 4, 3).alternative("draft-small", 4, 1).build());
            }

            List<DrafterAssignment> seen = assignments.awaitAssignment("an assignment for " + id, a -> true);
            DrafterAssignment assignment = seen.get(0);
            assertEquals("ngram", assignment.getPrimary());
            assertEquals(List.of("ngram", "draft-small"), assignment.getDrafters());
            assertEquals(config.kMax(), assignment.getK(), "acceptance 0.75 at batch 2 earns the longest k");
        }
    }

    @Test
    void countsTheEventsItConsumesAndTheAssignmentsItEmits() throws Exception {
        String id = "req-" + UUID.randomUUID();
        SelectorConfig config = SelectorConfig.defaults().withApplicationIdSuffix("-metrics");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SelectorService selector = new SelectorService(cluster.settings(), cluster.catalogue(), config, registry);
             AssignmentsTopic assignments = new AssignmentsTopic(cluster, id)) {
            selector.start();
            for (int i = 0; i < config.minObservations(); i++) {
                publish(step(id, 2).verified("ngram", 4, 3).build());
            }
            assignments.awaitAssignment("an assignment for " + id, a -> true);
            // the processor counts after it forwards: the assignment can be read a moment before it is counted
            Await.until("every event and the one assignment counted", () -> count(registry, SelectorMetrics.EVENTS)
                    == config.minObservations() && count(registry, SelectorMetrics.ASSIGNMENTS) == 1);

            assertTrue(registry.find("kafka.consumer.fetch.manager.records.lag.max").gauges().size() > 0,
                    "the stream thread's consumer lag is bound");
        }
        assertTrue(registry.find("kafka.consumer.fetch.manager.records.lag.max").gauges().isEmpty(),
                "the Streams meters leave with the client");
    }

    private static double count(SimpleMeterRegistry registry, String counter) {
        return registry.get(counter).counter().count();
    }

    /**
     * Three steps before the restart make B primary; one step after it favours A so strongly that the combined
     * history switches to A. A selector that lost its state would emit nothing (one step is below the minimum of
     * three), and one that replayed the events instead of restoring them would emit B a second time.
     */
    @Test
    void aRestartedSelectorRestoresTheRequestEstimatesFromItsChangelog() throws Exception {
        String id = "req-" + UUID.randomUUID();
        SelectorConfig config = SelectorConfig.defaults().withApplicationIdSuffix("-restart").withDecay(0.5)
                .withMinObservations(3);
        try (AssignmentsTopic assignments = new AssignmentsTopic(cluster, id)) {
            try (SelectorService before = new SelectorService(cluster.settings(), cluster.catalogue(), config)) {
                before.start();
                for (int i = 0; i < 3; i++) {
                    publish(step(id, 2).verified("B", 4, 2).alternative("A", 4, 1).build());
                }
                assignments.awaitAssignment("B primary before the restart", a -> a.getPrimary().equals("B"));
            }

            try (SelectorService after = new SelectorService(cluster.settings(), cluster.catalogue(), config)) {
                after.start();
                publish(step(id, 2).verified("B", 4, 0).alternative("A", 8, 6).build());

                List<DrafterAssignment> seen =
                        assignments.awaitAssignment("A primary after the restart", a -> a.getPrimary().equals("A"));
                assertEquals(List.of("B", "A"), seen.stream().map(DrafterAssignment::getPrimary).toList());
            }
        }
    }

    /** In a batch of its own, in the partition of its request (there, the request id picks it, as for prompts). */
    private static void publish(AcceptanceEvent event) throws Exception {
        String topic = cluster.catalogue().name(Topics.ACCEPTANCE);
        Serializer<AcceptanceBatch> serializer = Topics.ACCEPTANCE.valueSerde(cluster.registry()).serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.settings().producer())) {
            producer.send(new ProducerRecord<>(topic, event.getRequestId().getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(topic, AcceptanceBatch.newBuilder().setEvents(List.of(event)).build()))).get();
        }
    }
}
