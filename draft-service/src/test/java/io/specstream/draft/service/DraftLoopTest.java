package io.specstream.draft.service;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.contract.SequenceKey;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.NgramDrafter;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.CommitBatch;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DraftBatch;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.PolicyVersion;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.Await;
import io.specstream.topology.testing.TestCluster;
import io.specstream.topology.testing.TopicReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The draft-ahead loop over a real broker with the shipped draft-tiny model. */
class DraftLoopTest {

    private static final int K = 4;
    private static TestCluster cluster;
    private static DecoderSession session;
    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(new TopicCatalogue("", 2));
        ModelDirectory model = ModelDirectory.open(models().resolve("draft-tiny"));
        session = DecoderSession.open(model, InferenceOptions.cpu(1));
        tokenizer = TextTokenizer.open(model.tokenizerFile());
        encoder = new PromptEncoder(tokenizer, model.config());
    }

    @AfterAll
    static void stop() {
        tokenizer.close();
        session.close();
        cluster.close();
    }

    @Test
    void aNewRequestGetsTailsFromPositionZeroAndACommitMovesThemPastIt() throws Exception {
        String id = "req-" + UUID.randomUUID();
        String verifyGroup = verifierPastEveryPrompt();
        publish(Topics.PROMPTS, id, RolloutRequest.newBuilder().setRequestId(id)
                .setPromptText("Q: A box holds 6 rows of 7 apples. How many apples are in the box?\n").build());
        DraftLoop loop = new DraftLoop(List.of(TailSource.runAhead(ModelDrafter.withWindowFor("draft-tiny", session, K))),
                encoder, cluster.settings(), cluster.catalogue(), "draft-" + UUID.randomUUID(), verifyGroup,
                new SimpleMeterRegistry());
        whileRunning(loop, () -> {
            DraftChunk first = awaitChunk(id, chunk -> chunk.getStartPosition() == 0).orElseThrow(
                    () -> new AssertionError("no chunk at position 0 for " + id));
            assertEquals("draft-tiny", first.getDrafter());
            int guessed = first.getTokens().get(0);
            int other = guessed == 5 ? 6 : 5;
            // keyed by the request id, the batch lands in its prompt's partition, as the verifier writes it
            publish(Topics.COMMITS, id, CommitBatch.newBuilder().setUpdates(List.of(CommitUpdate.newBuilder()
                    .setRequestId(id).setSampleIndex(0).setStartPosition(0).setTokens(List.of(guessed, other))
                    .setCommittedLength(2).build())).build());

            DraftChunk after = awaitChunk(id, chunk -> chunk.getStartPosition() == 2).orElseThrow(
                    () -> new AssertionError("no chunk past the commit for " + id));
            assertEquals(2, after.getBaseCommittedLength());
            assertTrue(after.getTokens().size() <= 2 * K, "tail " + after.getTokens() + " beyond the window");
            assertNotEquals(0, after.getTokens().size());
        });
    }

    @Test
    void aRequestRunsOnlyTheDraftersItsAssignmentListsAndOthersRunAll() throws Exception {
        String assigned = "assigned-" + UUID.randomUUID();
        String open = "open-" + UUID.randomUUID();
        publish(Topics.ASSIGNMENTS, assigned, DrafterAssignment.newBuilder().setRequestId(assigned)
                .setDrafters(List.of(NgramDrafter.NAME)).setPrimary(NgramDrafter.NAME).setK(K).build());
        String group = "draft-" + UUID.randomUUID();
        DraftLoop loop = new DraftLoop(List.of(TailSource.runAhead(ModelDrafter.withWindowFor("draft-tiny", session, K)),
                TailSource.lookup(new NgramDrafter(1, 3), K)), encoder, cluster.settings(), cluster.catalogue(), group,
                verifierPastEveryPrompt(), new SimpleMeterRegistry());
        whileRunning(loop, () -> {
            // a heartbeat comes after a second of polling: the assignment, published first, has been read by then
            DraftHeartbeat heartbeat = awaitHeartbeat(group);
            assertEquals(List.of("draft-tiny", NgramDrafter.NAME), heartbeat.getDrafters());
            String repetitive = "3 apples and 3 apples and 3 apples and 3"; // ends inside a repeat: n-gram proposes
            publish(Topics.PROMPTS, assigned, RolloutRequest.newBuilder().setRequestId(assigned)
                    .setPromptText(repetitive).build());
            publish(Topics.PROMPTS, open, RolloutRequest.newBuilder().setRequestId(open)
                    .setPromptText(repetitive).build());

            awaitChunk(open, chunk -> chunk.getDrafter().equals("draft-tiny") && chunk.getTokens().size() >= 2 * K)
                    .orElseThrow(() -> new AssertionError("draft-tiny never drafted for the unassigned request"));
            List<DraftChunk> chunks = chunksOf(assigned);
            assertTrue(chunks.stream().anyMatch(chunk -> chunk.getDrafter().equals(NgramDrafter.NAME)),
                    "the assigned n-gram drafter drafted: " + chunks);
            assertTrue(chunks.stream().noneMatch(chunk -> chunk.getDrafter().equals("draft-tiny")),
                    "draft-tiny is not assigned to " + assigned + ": " + chunks);
        });
    }

    @Test
    void publishedChunksCountTheirTokensAndTheirLeadPerDrafter() throws Exception {
        String id = "metered-" + UUID.randomUUID();
        String verifyGroup = verifierPastEveryPrompt();
        publish(Topics.PROMPTS, id, RolloutRequest.newBuilder().setRequestId(id)
                .setPromptText("Q: Mia reads 12 pages a day. How many pages does she read in 5 days?\n").build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DraftLoop loop = new DraftLoop(List.of(TailSource.runAhead(ModelDrafter.withWindowFor("draft-tiny", session, K))),
                encoder, cluster.settings(), cluster.catalogue(), "draft-" + UUID.randomUUID(), verifyGroup, registry);
        whileRunning(loop, () -> awaitChunk(id, chunk -> chunk.getTokens().size() == 2 * K).orElseThrow(
                () -> new AssertionError("no full-window chunk for " + id)));

        double tokens = registry.get(DraftMetrics.TOKENS).tag(DraftMetrics.DRAFTER_TAG, "draft-tiny").counter().count();
        double published = registry.get(DraftMetrics.CHUNKS).tag(DraftMetrics.DRAFTER_TAG, "draft-tiny").counter().count();
        DistributionSummary lead = registry.get(DraftMetrics.LEAD).tag(DraftMetrics.DRAFTER_TAG, "draft-tiny").summary();
        assertTrue(tokens > 0, "draft tokens published " + tokens);
        assertEquals((long) published, lead.count(), "one lead per chunk");
        assertEquals(2 * K, lead.max(), 0.0, "a full window runs 2k ahead of the last commit (none yet)");
        assertTrue(registry.get(DraftMetrics.BUSY).timer().count() > 0, "drafting time recorded");
    }

    @Test
    void aPolicyVersionNamingDraftModelsMakesThemTheDraftersModels() throws Exception {
        Path smallDir = models().resolve("draft-small").toAbsolutePath();
        try (DecoderSession tinySession = DecoderSession.open(ModelDirectory.open(models().resolve("draft-tiny")),
                InferenceOptions.cpu(1));
             DecoderSession smallSession = DecoderSession.open(ModelDirectory.open(smallDir), InferenceOptions.cpu(1));
             ModelDrafter drafter = ModelDrafter.withWindowFor("draft", tinySession, K);
             DraftModelSwitch models = new DraftModelSwitch(List.of(drafter), InferenceOptions.cpu(1))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DraftLoop loop = new DraftLoop(List.of(TailSource.runAhead(drafter)), encoder, cluster.settings(),
                    cluster.catalogue(), "draft-" + UUID.randomUUID(), verifierPastEveryPrompt(), registry)
                    .followPolicies(models);
            whileRunning(loop, () -> {
                publish(Topics.POLICIES, "1", PolicyVersion.newBuilder().setVersion(1)
                        .setModelDir(smallDir.toString()).setDraftModelDirs(List.of(smallDir.toString())).build());
                Await.until("the draft models of version 1 in use", () -> models.appliedVersion() == 1);
                String id = "switched-" + UUID.randomUUID();
                String prompt = "Q: Mia reads 12 pages a day. How many pages does she read in 5 days?\n";
                publish(Topics.PROMPTS, id, RolloutRequest.newBuilder().setRequestId(id).setPromptText(prompt).build());

                DraftChunk chunk = awaitChunk(id, c -> c.getStartPosition() == 0 && c.getTokens().size() >= K)
                        .orElseThrow(() -> new AssertionError("no chunk for " + id));
                try (ModelDrafter small = ModelDrafter.withWindowFor("draft", smallSession, K)) {
                    SequenceKey key = new SequenceKey(id, 0);
                    small.open(key, encoder.encode(prompt), SamplingParams.greedy(), 0);
                    int[] expected = small.propose(key, K).orElseThrow().tokens();
                    assertEquals(Arrays.stream(expected).boxed().toList(), chunk.getTokens().subList(0, K),
                            "drafted by draft-small, version 1's draft model");
                }
                assertEquals(1.0, registry.get(DraftMetrics.POLICY_VERSION).gauge().value());
            });
        }
    }

    private static Path models() {
        String configured = System.getProperty("specstream.models.dir");
        return configured != null ? Path.of(configured) : Path.of("..", "models");
    }

    /** Runs {@code body} while {@code loop} runs on its own thread; the loop must not have failed. */
    private static void whileRunning(DraftLoop loop, Body body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        try {
            body.run();
        } finally {
            loop.close();
            thread.join();
        }
        assertNull(failure.get(), () -> "the loop failed: " + failure.get());
    }

    /**
     * A verify group that has rolled out every prompt published so far: its offsets at the end of {@code prompts}. A
     * loop following it drafts for the requests published next — the ones a verifier would admit next — not behind
     * the earlier tests' requests, which no verifier here ever admits.
     */
    private static String verifierPastEveryPrompt() throws Exception {
        String group = "verify-" + UUID.randomUUID();
        String topic = cluster.catalogue().name(Topics.PROMPTS);
        try (Admin admin = Admin.create(cluster.settings().admin())) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(partition -> ends.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> rolledOut = new HashMap<>();
            admin.listOffsets(ends).all().get().forEach((partition, end) ->
                    rolledOut.put(partition, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, rolledOut).all().get();
        }
        return group;
    }

    private interface Body {
        void run() throws Exception;
    }

    private static DraftHeartbeat awaitHeartbeat(String group) {
        String topic = cluster.catalogue().name(Topics.HEARTBEATS);
        Deserializer<DraftHeartbeat> values = Topics.HEARTBEATS.valueSerde(cluster.registry()).deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(cluster.settings().consumer("reader-" + UUID.randomUUID(), false))) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    DraftHeartbeat heartbeat = values.deserialize(topic, record.value());
                    if (heartbeat.getInstanceId().startsWith(group)) {
                        return heartbeat;
                    }
                }
            }
        }
        throw new AssertionError("no heartbeat from " + group);
    }

    /** Every chunk of {@code requestId} in the drafts topic now. */
    private static List<DraftChunk> chunksOf(String requestId) {
        String topic = cluster.catalogue().name(Topics.DRAFTS);
        Deserializer<DraftBatch> values = Topics.DRAFTS.valueSerde(cluster.registry()).deserializer();
        return TopicReader.readToEnd(cluster.settings().kafkaCommon(), topic, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer()).stream()
                .flatMap(record -> values.deserialize(topic, record.value()).getChunks().stream())
                .filter(chunk -> chunk.getRequestId().equals(requestId))
                .toList();
    }

    private static <V extends SpecificRecord> void publish(
            TopicSpec<String, V> spec, String key, V value)
            throws ExecutionException, InterruptedException {
        String topic = cluster.catalogue().name(spec);
        Serializer<V> serializer = spec.valueSerde(cluster.registry()).serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cluster.settings().producer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(topic, value))).get();
        }
    }

    /** The first chunk of {@code requestId} matching {@code wanted}, polling up to a generous deadline. */
    private static Optional<DraftChunk> awaitChunk(String requestId, Predicate<DraftChunk> wanted) {
        String topic = cluster.catalogue().name(Topics.DRAFTS);
        Deserializer<DraftBatch> values = Topics.DRAFTS.valueSerde(cluster.registry()).deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(cluster.settings().consumer("reader-" + UUID.randomUUID(), false))) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    for (DraftChunk chunk : values.deserialize(topic, record.value()).getChunks()) {
                        if (chunk.getRequestId().equals(requestId) && wanted.test(chunk)) {
                            return Optional.of(chunk);
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
