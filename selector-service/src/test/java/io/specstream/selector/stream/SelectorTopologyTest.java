package io.specstream.selector.stream;

import static io.specstream.selector.stream.AcceptanceEvents.heartbeat;
import static io.specstream.selector.stream.AcceptanceEvents.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.specstream.schemas.avro.AcceptanceBatch;
import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.selector.SelectorConfig;
import io.specstream.selector.state.RequestState;
import io.specstream.testkit.TestRegistryExtension;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The selection policy end to end through the real topology (TopologyTestDriver, real Avro, real registry), with
 * the default config with k 2/4/8: decay 0.9, 2 observations, 20 % switch margin, idle batch 4, full batch 32.
 */
class SelectorTopologyTest {

    @RegisterExtension
    static final TestRegistryExtension REGISTRY = new TestRegistryExtension();

    private static final TopicCatalogue CATALOGUE = new TopicCatalogue("", 1);
    private static final SelectorConfig CONFIG = SelectorConfig.defaults().withK(2, 4, 8);
    private static final int SMALL_BATCH = 2;
    private static final int LARGE_BATCH = 64;
    private static final long NOW = 1_000_000;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, AcceptanceBatch> acceptance;
    private TestInputTopic<String, DraftHeartbeat> heartbeats;
    private TestOutputTopic<String, DrafterAssignment> assignments;

    @BeforeEach
    void startDriver() {
        SchemaRegistry registry = REGISTRY.client();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "selector-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(new SelectorTopology(CATALOGUE, registry, CONFIG).build(), props);
        acceptance = driver.createInputTopic(CATALOGUE.name(Topics.ACCEPTANCE),
                Topics.ACCEPTANCE.keySerde(registry).serializer(), Topics.ACCEPTANCE.valueSerde(registry).serializer());
        heartbeats = driver.createInputTopic(CATALOGUE.name(Topics.HEARTBEATS),
                Topics.HEARTBEATS.keySerde(registry).serializer(), Topics.HEARTBEATS.valueSerde(registry).serializer());
        assignments = driver.createOutputTopic(CATALOGUE.name(Topics.ASSIGNMENTS),
                Topics.ASSIGNMENTS.keySerde(registry).deserializer(),
                Topics.ASSIGNMENTS.valueSerde(registry).deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void convergesPerRequestToTheDrafterWithTheMostAcceptedPerStep() {
        for (int i = 0; i < 6; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 3).alternative("draft-small", 4, 1).build());
            send(step("r2", SMALL_BATCH).verified("ngram", 4, 0).alternative("draft-small", 4, 3).build());
        }

        Map<String, DrafterAssignment> latest = assignments.readKeyValuesToMap();
        assertEquals("ngram", latest.get("r1").getPrimary());
        assertEquals(List.of("ngram", "draft-small"), latest.get("r1").getDrafters());
        assertEquals("draft-small", latest.get("r2").getPrimary());
        assertEquals(List.of("draft-small", "ngram"), latest.get("r2").getDrafters());
    }

    @Test
    void counterfactualAlternativesCountAsEvidence() {
        for (int i = 0; i < 4; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 1).alternative("suffix", 4, 4).build());
        }

        DrafterAssignment assignment = single(assignments.readValuesToList());
        assertEquals("suffix", assignment.getPrimary(), "suffix was never verified but would have had 4 accepted");
    }

    @Test
    void emitsNothingBeforeMinObservations() {
        for (int i = 0; i < CONFIG.minObservations() - 1; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 3).build());
        }
        assertTrue(assignments.isEmpty(), "an assignment on " + (CONFIG.minObservations() - 1) + " steps");

        send(step("r1", SMALL_BATCH).verified("ngram", 4, 3).build());
        assertEquals("ngram", single(assignments.readValuesToList()).getPrimary());
    }

    @Test
    void aBatchOfManyStepsDecidesAsTheSameStepsSentOneByOne() {
        List<AcceptanceEvent> together = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 1).alternative("suffix", 4, 3).build());
            together.add(step("r2", SMALL_BATCH).verified("ngram", 4, 1).alternative("suffix", 4, 3).build());
            together.add(step("r3", SMALL_BATCH).verified("ngram", 4, 3).alternative("suffix", 4, 0).build());
        }
        acceptance.pipeInput(null, AcceptanceBatch.newBuilder().setEvents(together).setTimestampMs(NOW).build(), NOW);

        Map<String, DrafterAssignment> latest = assignments.readKeyValuesToMap();
        assertEquals("suffix", latest.get("r1").getPrimary());
        assertEquals(latest.get("r1").getPrimary(), latest.get("r2").getPrimary(), "same steps, same choice");
        assertEquals(latest.get("r1").getDrafters(), latest.get("r2").getDrafters());
        assertEquals(latest.get("r1").getK(), latest.get("r2").getK());
        assertEquals("ngram", latest.get("r3").getPrimary(), "each request of the batch folds its own events");
    }

    @Test
    void repeatedIdenticalEvidenceEmitsOneRecord() {
        for (int i = 0; i < 20; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 3).alternative("suffix", 4, 2).build());
        }

        assertEquals(1, assignments.readValuesToList().size());
    }

    @Test
    void aSlightlyBetterChallengerDoesNotTakeOverThePrimary() {
        establishPrimaryA();
        for (int i = 0; i < 30; i++) {
            send(step("r1", SMALL_BATCH).verified("A", 16, 10).alternative("B", 16, 11).build());
        }

        RequestState state = requestStore().get("r1");
        assertTrue(state.drafters().get("B").acceptedPerStep() > state.drafters().get("A").acceptedPerStep(),
                "B should lead the ranking: " + state.drafters());
        assertTrue(assignments.readValuesToList().stream().allMatch(a -> a.getPrimary().equals("A")));
    }

    @Test
    void aClearlyBetterChallengerTakesOverThePrimary() {
        establishPrimaryA();
        for (int i = 0; i < 30; i++) {
            send(step("r1", SMALL_BATCH).verified("A", 16, 10).alternative("B", 16, 14).build());
        }

        List<DrafterAssignment> emitted = assignments.readValuesToList();
        assertEquals("B", emitted.get(emitted.size() - 1).getPrimary());
        assertEquals(List.of("B", "A"), emitted.get(emitted.size() - 1).getDrafters());
    }

    @Test
    void aSmallVerifyBatchRunsEveryDrafter() {
        evidenceForThreeDrafters(SMALL_BATCH);

        assertEquals(List.of("ngram", "draft-small", "suffix"), last().getDrafters());
    }

    @Test
    void idleDraftHeartbeatsRunEveryDrafterEvenAtALargeBatch() {
        heartbeats.pipeInput("draft-0", heartbeat("draft-0", 0.05, NOW), NOW);
        evidenceForThreeDrafters(LARGE_BATCH);

        assertEquals(List.of("ngram", "draft-small", "suffix"), last().getDrafters());
    }

    @Test
    void aLargeBatchWithBusyDraftersNarrowsToTheBest() {
        heartbeats.pipeInput("draft-0", heartbeat("draft-0", 0.95, NOW), NOW);
        heartbeats.pipeInput("draft-1", heartbeat("draft-1", 0.9, NOW), NOW);
        evidenceForThreeDrafters(LARGE_BATCH);

        assertEquals(List.of("ngram"), last().getDrafters());
    }

    @Test
    void staleHeartbeatsAreIgnored() {
        long stale = NOW - CONFIG.heartbeatStaleness().toMillis() - 1;
        heartbeats.pipeInput("draft-0", heartbeat("draft-0", 0.05, stale), stale);
        evidenceForThreeDrafters(LARGE_BATCH);

        assertEquals(List.of("ngram"), last().getDrafters(), "an idle but stale heartbeat must not widen the choice");
    }

    @Test
    void kIsLongestAtASmallBatchWithHighAcceptance() {
        for (int i = 0; i < 4; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 4).build());
        }

        assertEquals(CONFIG.kMax(), last().getK());
    }

    @Test
    void kIsShortestAtALargeBatch() {
        for (int i = 0; i < 4; i++) {
            send(step("r1", LARGE_BATCH).verified("ngram", 4, 4).build());
        }

        assertEquals(CONFIG.kMin(), last().getK());
    }

    @Test
    void kShrinksWhenTheBatchGrows() {
        for (int i = 0; i < 4; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 4).build());
        }
        send(step("r1", LARGE_BATCH).verified("ngram", 4, 4).build());

        List<Integer> ks = assignments.readValuesToList().stream().map(DrafterAssignment::getK).toList();
        assertEquals(List.of(CONFIG.kMax(), CONFIG.kMin()), ks);
    }

    @Test
    void whenEverySampleHasFinishedTheStateIsDroppedWithATombstone() {
        for (int i = 0; i < 4; i++) {
            send(step("r1", SMALL_BATCH).verified("ngram", 4, 3).sample(i % 2, 2, false).build());
        }
        send(step("r1", SMALL_BATCH).verified("ngram", 4, 3).sample(0, 2, true).build());
        assertNotNull(requestStore().get("r1"), "sample 1 is still running");

        send(step("r1", SMALL_BATCH).verified("ngram", 4, 3).sample(1, 2, true).build());

        List<KeyValue<String, DrafterAssignment>> emitted = assignments.readKeyValuesToList();
        KeyValue<String, DrafterAssignment> lastRecord = emitted.get(emitted.size() - 1);
        assertEquals("r1", lastRecord.key);
        assertNull(lastRecord.value, "the last record should be a tombstone");
        assertNull(requestStore().get("r1"), "the state should be gone");
    }

    /** A leads B clearly (10 vs 5 per step) for the minimum number of steps, so A is primary. */
    private void establishPrimaryA() {
        for (int i = 0; i < 4; i++) {
            send(step("r1", SMALL_BATCH).verified("A", 16, 10).alternative("B", 16, 5).build());
        }
        assertEquals("A", last().getPrimary());
    }

    private void evidenceForThreeDrafters(int batchSize) {
        for (int i = 0; i < 4; i++) {
            send(step("r1", batchSize).verified("ngram", 8, 5).alternative("draft-small", 8, 3)
                    .alternative("suffix", 8, 1).build());
        }
    }

    /** As the verifier publishes it: in a step's batch, keyed nowhere, in the request's partition. */
    private void send(AcceptanceEvent event) {
        acceptance.pipeInput(null, AcceptanceBatch.newBuilder().setEvents(List.of(event)).setTimestampMs(NOW).build(), NOW);
    }

    private DrafterAssignment last() {
        List<DrafterAssignment> emitted = assignments.readValuesToList();
        assertTrue(!emitted.isEmpty(), "no assignment was emitted");
        return emitted.get(emitted.size() - 1);
    }

    private static DrafterAssignment single(List<DrafterAssignment> emitted) {
        assertEquals(1, emitted.size(), "expected exactly one assignment, got " + emitted);
        return emitted.get(0);
    }

    private KeyValueStore<String, RequestState> requestStore() {
        return driver.getKeyValueStore(SelectorTopology.REQUEST_STORE);
    }
}
