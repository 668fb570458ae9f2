package io.specstream.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.contract.BackgroundLoop;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.PlainRollouts;
import io.specstream.inference.sampling.SamplingParams;
import io.specstream.contract.SequenceKey;

import io.specstream.verify.VerifyConfig;
import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;
import io.specstream.verify.service.VerifierDrafting;
import io.specstream.verify.service.VerifyLoop;
import io.specstream.verify.service.VerifyMetrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.service.DraftLoop;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.DraftBatch;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.Await;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.VerifyEngine;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * verify-service and draft-service over a real broker with the shipped models: the rollouts a trainer reads are,
 * token for token, what plain decoding of the target gives, whatever drafts arrive.
 */
class VerifyLoopOverKafkaTest {

    private static final int SAMPLES = 2;
    private static final int MAX_NEW_TOKENS = 32;
    private static final int DRAFT_TOKENS = 4;
    private static final int QUEUED_ROUNDS = 4;
    private static final String OPENING_DRAFTER = "opening";
    private static final List<String> PROMPTS = List.of(
            "Q: Sam has 32 dollars and saves 9 dollars every week. How much does he have after 3 weeks?\n",
            "Q: A box holds 6 rows of 7 apples. How many apples are in the box?\n",
            "Q: Mia reads 12 pages a day. How many pages does she read in 5 days?\n");

    private static PipelineFixture fixture;
    private static VerifyEngine engine;
    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
        engine = VerifyEngine.open(PipelineFixture.verifyConfig(DRAFT_TOKENS));
        tokenizer = PipelineFixture.tokenizer();
        encoder = PipelineFixture.encoder(tokenizer);
    }

    @AfterAll
    static void stop() {
        engine.close();
        tokenizer.close();
        fixture.close();
    }

    @Test
    void withoutADrafterTheRolloutsEqualPlainDecoding() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        List<RolloutRequest> requests = requests("plain", 0.8f);
        List<CompletedRollout> expected = plainRollouts(requests);
        fixture.publish(topics, requests);

        Map<String, Rollout> rollouts;
        try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifyLoop(topics), "verify")) {
            rollouts = fixture.rollouts(topics, expected.size());
        }

        PlainReference.assertSameRollouts(expected, rollouts);
        rollouts.values().forEach(rollout -> assertEquals("group-" + rollout.getRequestId(), rollout.getGroupId(),
                rollout.getRequestId() + " group id"));
    }

    @Test
    void timingsRunFromArrivalThroughTheFirstTokenToTheEnd() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        List<RolloutRequest> requests = List.of(request("timed", PROMPTS.get(0), 0f, 0));
        fixture.publish(topics, requests);

        Map<String, Rollout> rollouts;
        try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifyLoop(topics), "verify")) {
            rollouts = fixture.rollouts(topics, SAMPLES);
        }

        assertEquals(SAMPLES, rollouts.size());
        for (Rollout rollout : rollouts.values()) {
            var timings = rollout.getTimings();
            assertTrue(0 <= timings.getQueuedMs() && timings.getQueuedMs() <= timings.getFirstTokenMs()
                    && timings.getFirstTokenMs() <= timings.getTotalMs(), timings.toString());
        }
    }

    @Test
    void withTheDraftLoopTheRolloutsEqualPlainDecodingAndDraftsAreAccepted() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        // enough requests queued behind the first that the drafter, however late it starts on a busy machine, drafts
        // ahead of the verifier for some of them
        List<RolloutRequest> requests = new ArrayList<>();
        for (int round = 0; round < QUEUED_ROUNDS; round++) {
            requests.addAll(requests("drafted-" + round, 0.8f));
        }
        List<CompletedRollout> expected = plainRollouts(requests);

        Map<String, Rollout> rollouts;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        VerifyConfig oneRequestAtATime = PipelineFixture.verifyConfig(DRAFT_TOKENS, SAMPLES);
        try (DecoderSession draftModel = PipelineFixture.session("draft-tiny");
             ModelDrafter drafter = ModelDrafter.withWindowFor("draft-tiny", draftModel, DRAFT_TOKENS);
             VerifyEngine serial = VerifyEngine.open(oneRequestAtATime)) {
            warmUp(drafter, serial);
            DraftLoop drafting = new DraftLoop(drafter, encoder, fixture.settings(), topics, "draft-" + UUID.randomUUID());
            String id = "verify-" + UUID.randomUUID();
            VerifyLoop verifying = new VerifyLoop(serial, encoder, fixture.settings(), topics, id, id + "-tx",
                    VerifierDrafting.decoupled(), meters);
            try (BackgroundLoop draft = BackgroundLoop.startFailingOnClose(drafting, "draft");
                 BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifying, "verify")) {
                Await.until("the draft loop owns the partitions", () -> !drafting.ownedPartitions().isEmpty());
                Await.until("the verify loop owns the partitions", () -> !verifying.ownedPartitions().isEmpty());
                fixture.publish(topics, requests);
                rollouts = fixture.rollouts(topics, expected.size());
            }
        }
        // decoupled without a selector publishes no acceptance events: the verifier's own counter tells
        Counter accepted = meters.find(VerifyMetrics.DRAFT_ACCEPTED).tag(VerifyMetrics.DRAFTER_TAG, "draft-tiny")
                .counter();

        PlainReference.assertSameRollouts(expected, rollouts);
        assertTrue(accepted != null && accepted.count() > 0, "the verifier accepted no draft-tiny token");
    }

    /**
     * The tails of every request are published before the verifier starts, and so is the first prompt, whose reading
     * places the drafts partition; the other prompts follow once the step thread has received every tail, so that
     * their tails are on hand at their admission however slow the hint thread (a CI run once decoded every request
     * before its first poll).
     */
    @Test
    void tailsPublishedBeforeTheVerifierStartedAreVerified() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        List<RolloutRequest> requests = requests("early", 0.8f);
        List<CompletedRollout> expected = plainRollouts(requests);
        fixture.publishTo(topics, 0, requests.get(0));
        // what draft-service would have drafted from the prompts alone, had it run before this verifier: the target's
        // own opening tokens, so every greedy one is accepted
        publishOpeningTails(topics, 0, expected);

        Map<String, Rollout> rollouts;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (VerifyEngine serial = VerifyEngine.open(PipelineFixture.verifyConfig(DRAFT_TOKENS, SAMPLES))) {
            String id = "verify-" + UUID.randomUUID();
            VerifyLoop verifying = new VerifyLoop(serial, encoder, fixture.settings(), topics, id, id + "-tx",
                    VerifierDrafting.decoupled(), meters);
            try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifying, "verify")) {
                Await.until("the step thread received every tail",
                        () -> PipelineFixture.tailsReceived(meters, OPENING_DRAFTER) >= expected.size());
                requests.subList(1, requests.size()).forEach(request -> fixture.publishTo(topics, 0, request));
                rollouts = fixture.rollouts(topics, expected.size());
            }
        }
        Counter accepted = meters.find(VerifyMetrics.DRAFT_ACCEPTED).tag(VerifyMetrics.DRAFTER_TAG, OPENING_DRAFTER)
                .counter();

        PlainReference.assertSameRollouts(expected, rollouts);
        assertTrue(accepted != null && accepted.count() > 0, "no tail published before the verifier started was used");
    }

    @Test
    void staleFutureAndOutOfRangeDraftChunksNeverChangeTheOutput() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        List<RolloutRequest> requests = requests("hostile", 0.8f);
        List<CompletedRollout> expected = plainRollouts(requests);
        fixture.publish(topics, requests);

        Map<String, Rollout> rollouts;
        HostileDrafter hostile = new HostileDrafter(fixture.settings(), topics, fixture.registry(),
                engine.model().vocabSize());
        try (BackgroundLoop drafts = BackgroundLoop.startFailingOnClose(hostile, "hostile");
             BackgroundLoop verify = BackgroundLoop.startFailingOnClose(verifyLoop(topics), "verify")) {
            rollouts = fixture.rollouts(topics, expected.size());
        }

        assertTrue(hostile.sent() > 0, "the hostile drafter published nothing");
        PlainReference.assertSameRollouts(expected, rollouts);
        for (Rollout rollout : rollouts.values()) {
            rollout.getDrafterStats().forEach(stats -> assertEquals(0, stats.getAccepted(),
                    rollout.getRequestId() + ": accepted tokens of " + stats.getDrafter()));
        }
    }

    @Test
    void everyPromptOffsetIsCommittedOnceItsRolloutsAreOut() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        List<RolloutRequest> requests = requests("offsets", 0.8f);
        List<CompletedRollout> expected = plainRollouts(requests);
        fixture.publish(topics, requests);

        String group = "verify-" + UUID.randomUUID();
        long committed;
        try (BackgroundLoop verify = BackgroundLoop.startFailingOnClose(
                new VerifyLoop(engine, encoder, fixture.settings(), topics, group, group + "-tx"), "verify")) {
            fixture.rollouts(topics, expected.size());
            committed = fixture.committedPromptOffsets(group);
        }

        assertEquals(requests.size(), committed, "prompt offsets committed over both partitions");
    }

    @Test
    void theMetersCountStepsTheTokensOfEveryRolloutAndTheDraftersAcceptance() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        List<RolloutRequest> requests = requests("metered", 0.8f);
        fixture.publish(topics, requests);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        Map<String, Rollout> rollouts;
        try (DecoderSession draftModel = PipelineFixture.session("draft-tiny");
             ModelDrafter drafter = ModelDrafter.withWindowFor("draft-tiny", draftModel, DRAFT_TOKENS);
             BackgroundLoop verify = BackgroundLoop.startFailingOnClose(coupledLoop(topics, drafter, registry),
                     "verify")) {
            rollouts = fixture.rollouts(topics, requests.size() * SAMPLES);
        }

        assertEquals(requests.size() * SAMPLES, rollouts.size());
        double steps = count(registry, VerifyMetrics.STEPS);
        assertTrue(steps > 0, "steps " + steps);
        assertEquals(steps, (double) registry.get(VerifyMetrics.STEP).timer().count());
        assertEquals(steps, (double) registry.get(VerifyMetrics.BATCH_SIZE).summary().count());
        int responseTokens = rollouts.values().stream().mapToInt(Rollout::getResponseTokens).sum();
        assertEquals(responseTokens, count(registry, VerifyMetrics.TOKENS_COMMITTED), "tokens committed");
        assertEquals(rollouts.size(), count(registry, VerifyMetrics.ROLLOUTS), "rollouts committed");
        double proposed = registry.get(VerifyMetrics.DRAFT_PROPOSED).tag(VerifyMetrics.DRAFTER_TAG, "draft-tiny")
                .counter().count();
        double accepted = registry.get(VerifyMetrics.DRAFT_ACCEPTED).tag(VerifyMetrics.DRAFTER_TAG, "draft-tiny")
                .counter().count();
        assertTrue(proposed > 0 && accepted > 0 && accepted <= proposed, accepted + " of " + proposed);
        double drafted = count(registry, VerifyMetrics.STEPS_DRAFTED);
        assertTrue(drafted > 0 && drafted <= count(registry, VerifyMetrics.SEQUENCE_STEPS), "drafted " + drafted);
        assertEquals(0.0, registry.get(VerifyMetrics.ACTIVE_SEQUENCES).gauge().value(), "nothing runs at the end");
    }

    @Test
    void aPrometheusScrapeShowsTheVerifyMetersAndTheConsumerLagWhileTheLoopRuns() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        fixture.publish(topics, List.of(request("scraped", PROMPTS.get(1), 0f, 0)));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        String scraped;
        try (DecoderSession draftModel = PipelineFixture.session("draft-tiny");
             ModelDrafter drafter = ModelDrafter.withWindowFor("draft-tiny", draftModel, DRAFT_TOKENS);
             BackgroundLoop verify = BackgroundLoop.startFailingOnClose(coupledLoop(topics, drafter, registry),
                     "verify")) {
            fixture.rollouts(topics, SAMPLES);
            scraped = registry.scrape(); // the clients' meters leave when the loop stops
        }

        for (String series : List.of("specstream_verify_step_seconds_count ", "specstream_verify_idle_seconds_count ",
                "specstream_verify_steps_total ", "specstream_verify_batch_size_count ",
                "specstream_verify_tokens_committed_total ", "specstream_verify_steps_drafted_total ",
                "specstream_verify_sequence_steps_total ", "specstream_verify_draft_proposed_total{drafter=\"draft-tiny\"} ",
                "specstream_verify_draft_accepted_total{drafter=\"draft-tiny\"} ", "specstream_verify_rollouts_total ",
                "specstream_verify_active_sequences ", "kafka_consumer_fetch_manager_records_lag_max{",
                "kafka_producer_record_send_total{")) {
            assertTrue(scraped.contains(series), series + " in\n" + scraped);
        }
    }

    private static VerifyLoop coupledLoop(TopicCatalogue topics, ModelDrafter drafter, MeterRegistry registry) {
        String group = "verify-" + UUID.randomUUID();
        return new VerifyLoop(engine, encoder, fixture.settings(), topics, group, group + "-tx",
                VerifierDrafting.coupled(drafter, DRAFT_TOKENS), registry);
    }

    /**
     * A first run of a fresh model session costs far more than the next ones: both models decode once before the
     * services race, so the drafter is not a cold start behind the verifier.
     */
    private static void warmUp(ModelDrafter drafter, VerifyEngine target) {
        SequenceKey key = new SequenceKey("warm-up", 0);
        int[] prompt = encoder.encode(PROMPTS.get(0));
        drafter.open(key, prompt, SamplingParams.greedy(), 0);
        drafter.proposeAll(List.of(key), 2 * DRAFT_TOKENS);
        drafter.forget(key);
        new PlainRollouts(target).run(List.of(RolloutSpec.greedy("warm-up", prompt, SAMPLES, MAX_NEW_TOKENS)));
    }

    /** For each sequence, a tail at position 0 with the first {@value #DRAFT_TOKENS} tokens of its plain response. */
    private static void publishOpeningTails(TopicCatalogue topics, int partition, List<CompletedRollout> plain)
            throws Exception {
        String topic = topics.name(Topics.DRAFTS);
        Serializer<DraftBatch> serializer = Topics.DRAFTS.valueSerde(fixture.registry()).serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fixture.settings().producer())) {
            for (CompletedRollout rollout : plain) {
                List<Integer> opening = Arrays.stream(rollout.responseIds()).limit(DRAFT_TOKENS).boxed().toList();
                DraftChunk chunk = DraftChunk.newBuilder().setRequestId(rollout.requestId())
                        .setSampleIndex(rollout.sampleIndex()).setDrafter(OPENING_DRAFTER).setStartPosition(0)
                        .setTokens(opening).setBaseCommittedLength(0).build();
                producer.send(new ProducerRecord<>(topic, partition, null, serializer.serialize(topic,
                        DraftBatch.newBuilder().setChunks(List.of(chunk)).build()))).get();
            }
        }
    }

    private static double count(MeterRegistry registry, String counter) {
        return registry.get(counter).counter().count();
    }

    private static VerifyLoop verifyLoop(TopicCatalogue topics) {
        String id = "verify-" + UUID.randomUUID();
        return new VerifyLoop(engine, encoder, fixture.settings(), topics, id, id + "-tx");
    }

    /** The prompts twice: greedy, then sampled at {@code temperature} with a seed. */
    private static List<RolloutRequest> requests(String prefix, float temperature) {
        List<RolloutRequest> requests = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) {
            requests.add(request(prefix + "-greedy-" + i, PROMPTS.get(i), 0f, 0));
        }
        requests.add(request(prefix + "-sampled-0", PROMPTS.get(0), temperature, 11));
        return requests;
    }

    private static RolloutRequest request(String id, String prompt, float temperature, long seed) {
        return RolloutRequest.newBuilder().setRequestId(id).setPromptText(prompt).setNSamples(SAMPLES)
                .setMaxNewTokens(MAX_NEW_TOKENS).setTemperature(temperature).setSeed(seed)
                .setGroupId("group-" + id).build();
    }

    private static List<CompletedRollout> plainRollouts(List<RolloutRequest> requests) {
        return PlainReference.of(engine, encoder, requests);
    }
}
