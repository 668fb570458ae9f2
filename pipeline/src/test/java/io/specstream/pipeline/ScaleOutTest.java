package io.specstream.pipeline;

import io.specstream.contract.BackgroundLoop;

import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;
import io.specstream.verify.service.VerifyLoop;

import io.specstream.draft.ModelDrafter;
import io.specstream.draft.service.DraftLoop;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.cli.OpenedResources;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.testing.Await;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several verify and draft instances in one consumer group each share the partitions (DESIGN: everything keyed by
 * request id), and the rollouts do not depend on how many there are or on a rebalance in the middle of a run.
 */
class ScaleOutTest {

    private static final int DRAFT_TOKENS = 4;
    private static final int SAMPLES = 2;

    private static PipelineFixture fixture;
    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;
    private static List<RolloutRequest> requests;
    private static List<CompletedRollout> expected;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
        tokenizer = PipelineFixture.tokenizer();
        encoder = PipelineFixture.encoder(tokenizer);
        requests = PipelineFixture.everyOtherAtTemperatureOne(PipelineFixture.shippedPrompts(SAMPLES, 32), 100);
        try (VerifyEngine engine = VerifyEngine.open(PipelineFixture.verifyConfig(DRAFT_TOKENS))) {
            expected = PlainReference.of(engine, encoder, requests);
        }
    }

    @AfterAll
    static void stop() {
        tokenizer.close();
        fixture.close();
    }

    @Test
    void twoVerifyAndTwoDraftInstancesProduceTheSameRolloutsAsOneEach() throws Exception {
        Map<String, Rollout> oneEach = runWith(1, 1);
        Map<String, Rollout> twoEach = runWith(2, 2);

        PlainReference.assertSameRollouts(expected, oneEach);
        PlainReference.assertSameRollouts(expected, twoEach);
    }

    @Test
    void aVerifyInstanceJoiningMidRunLosesAndDoublesNothing() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        fixture.publish(topics, requests);
        String group = "verify-" + UUID.randomUUID();
        // small batches make the run last long enough, and frequent heartbeats make the first instance take part
        // in the rebalance at once, so the second instance joins while work is in flight
        ClientSettings quick = new ClientSettings(fixture.settings().bootstrapServers(),
                fixture.settings().schemaRegistryUrl(), Map.of(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "100"));
        VerifyConfig small = new VerifyConfig(4, 64, DRAFT_TOKENS, PipelineFixture.models().resolve("target"),
                PipelineFixture.verifyConfig(DRAFT_TOKENS).inference());
        try (Instances instances = new Instances()) {
            VerifyLoop first = instances.verify(quick, topics, group, small);
            Await.until("the first verify instance owns both partitions", () -> first.ownedPartitions().size() == 2);
            VerifyLoop second = instances.verify(quick, topics, group, small);
            Await.until("the second verify instance owns a partition", () -> !second.ownedPartitions().isEmpty());
            fixture.rollouts(topics, expected.size());

            System.out.printf("mid-run join: the first instance handed %d unfinished requests over%n",
                    first.requestsHandedOver());
            assertTrue(first.requestsHandedOver() > 0, "the first instance handed no unfinished request over");
        }

        PlainReference.assertSameRollouts(expected, fixture.allRollouts(topics));
    }

    /** A run on fresh topics with {@code verifiers} verify and {@code drafters} draft instances, each in one group. */
    private static Map<String, Rollout> runWith(int verifiers, int drafters) throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        String verifyGroup = "verify-" + UUID.randomUUID();
        String draftGroup = "draft-" + UUID.randomUUID();
        try (Instances instances = new Instances()) {
            List<VerifyLoop> verify = new ArrayList<>();
            List<DraftLoop> draft = new ArrayList<>();
            for (int i = 0; i < drafters; i++) {
                draft.add(instances.draft(topics, draftGroup));
            }
            for (int i = 0; i < verifiers; i++) {
                verify.add(instances.verify(fixture.settings(), topics, verifyGroup,
                        PipelineFixture.verifyConfig(DRAFT_TOKENS)));
            }
            Await.until("every instance owns a partition", () -> verify.stream().noneMatch(v -> v.ownedPartitions().isEmpty())
                    && draft.stream().noneMatch(d -> d.ownedPartitions().isEmpty()));
            fixture.publish(topics, requests);
            fixture.rollouts(topics, expected.size());
        }
        Map<String, Rollout> rollouts = fixture.allRollouts(topics);
        assertEquals(expected.size(), rollouts.size(), "one rollout per sequence");
        return rollouts;
    }

    /** Service instances on their own threads, each with its own model sessions; closing stops them all. */
    private static final class Instances implements AutoCloseable {
        private final OpenedResources opened = new OpenedResources();
        private int count;

        VerifyLoop verify(ClientSettings settings, TopicCatalogue topics, String group, VerifyConfig config) {
            VerifyEngine engine = keep(VerifyEngine.open(config));
            VerifyLoop loop = new VerifyLoop(engine, encoder, settings, topics, group,
                    group + "-tx-" + count++);
            keep(BackgroundLoop.startFailingOnClose(loop, "verify-" + count));
            return loop;
        }

        DraftLoop draft(TopicCatalogue topics, String group) {
            DecoderSession session = keep(PipelineFixture.session("draft-tiny"));
            ModelDrafter drafter = keep(ModelDrafter.withWindowFor("draft-tiny", session, DRAFT_TOKENS));
            DraftLoop loop = new DraftLoop(drafter, encoder, fixture.settings(), topics, group);
            keep(BackgroundLoop.startFailingOnClose(loop, "draft-" + count++));
            return loop;
        }

        private <T extends AutoCloseable> T keep(T resource) {
            return opened.keep(resource);
        }

        @Override
        public void close() {
            opened.close();
        }
    }
}
