package io.specstream.pipeline;

import io.specstream.contract.BackgroundLoop;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.DeadLetter;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.testing.Await;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.policy.PolicyConfig;
import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;
import io.specstream.verify.service.VerifierDrafting;
import io.specstream.verify.service.VerifyLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * New weights between RL steps, over a real broker: a trainer publishes policy versions on the policies topic while
 * verify-service runs, and every rollout is decoded wholly by one version — the one its request names, else the
 * newest loaded — carries that version, and equals plain decoding with that version's model.
 */
class PolicySwitchTest {

    private static final int MAX_NEW_TOKENS = 48;
    private static final Path V1 = PipelineFixture.models().resolve("target");
    private static final Path V2 = PipelineFixture.models().resolve("target-v2");

    private static PipelineFixture fixture;
    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
        tokenizer = PipelineFixture.tokenizer();
        encoder = PipelineFixture.encoder(tokenizer);
    }

    @AfterAll
    static void stop() {
        tokenizer.close();
        fixture.close();
    }

    @Test
    void requestsAcrossASwitchRunUnderTheirVersionAndEqualItsPlainDecoding() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        String instance = "verify-" + UUID.randomUUID();
        List<RolloutRequest> beforeV2 = requests("before", 0, 6);
        List<RolloutRequest> namingV1 = requests("v1-named", 1, 6);
        List<RolloutRequest> unnamedAfterV2 = requests("after", 0, 6);
        List<RolloutRequest> namingV2 = requests("v2-named", 2, 6);
        fixture.publishPolicy(topics, 1, V1);

        Map<String, Rollout> rollouts;
        try (VerifyEngine base = VerifyEngine.open(PipelineFixture.verifyConfig(4, 8));
             BackgroundLoop verify = BackgroundLoop.startFailingOnClose(loop(base, topics, instance, 2,
                     Duration.ofMinutes(2)), "verify")) {
            awaitLoaded(topics, 1, instance);
            fixture.publish(topics, beforeV2);
            // a request naming no version gets the newest loaded when it is admitted: v2 goes out only after these are
            Await.until("the first requests admitted", Duration.ofMinutes(2), () -> fixture.snapshots(topics).stream()
                    .map(record -> record.key()).distinct()
                    .filter(key -> key.startsWith("before-")).count() == beforeV2.size());
            fixture.publishPolicy(topics, 2, V2);
            awaitLoaded(topics, 2, instance);
            List<RolloutRequest> afterV2 = new ArrayList<>(namingV1);
            afterV2.addAll(unnamedAfterV2);
            afterV2.addAll(namingV2);
            fixture.publish(topics, afterV2);
            rollouts = fixture.rollouts(topics, 24);
        }

        assertVersion(1, beforeV2, rollouts);
        assertVersion(1, namingV1, rollouts);
        assertVersion(2, unnamedAfterV2, rollouts);
        assertVersion(2, namingV2, rollouts);
        List<RolloutRequest> byV1 = new ArrayList<>(beforeV2);
        byV1.addAll(namingV1);
        List<RolloutRequest> byV2 = new ArrayList<>(unnamedAfterV2);
        byV2.addAll(namingV2);
        List<CompletedRollout> expectedV1 = PlainReference.computed(byV1, V1);
        PlainReference.assertSameRollouts(expectedV1, only(byV1, rollouts));
        PlainReference.assertSameRollouts(PlainReference.computed(byV2, V2), only(byV2, rollouts));
        List<CompletedRollout> sameRequestsUnderV2 = PlainReference.computed(byV1, V2);
        assertTrue(IntStream.range(0, expectedV1.size()).anyMatch(i -> !Arrays.equals(
                expectedV1.get(i).responseIds(), sameRequestsUnderV2.get(i).responseIds())),
                "v1 and v2 answer these prompts alike: which version decoded them would not show");
    }

    @Test
    void aRequestNamingAVersionNotPublishedYetWaitsAndRunsOnceItIs() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        String instance = "verify-" + UUID.randomUUID();
        List<RolloutRequest> early = requests("early", 1, 2);

        Map<String, Rollout> rollouts;
        try (VerifyEngine base = VerifyEngine.open(PipelineFixture.verifyConfig(4, 8));
             BackgroundLoop verify = BackgroundLoop.startFailingOnClose(loop(base, topics, instance, 2,
                     Duration.ofMinutes(2)), "verify")) {
            fixture.publish(topics, early);
            fixture.publishPolicy(topics, 1, V2);
            rollouts = fixture.rollouts(topics, 2);
        }

        assertVersion(1, early, rollouts);
        PlainReference.assertSameRollouts(PlainReference.computed(early, V2), rollouts);
    }

    @Test
    void aRequestForAVersionNeverPublishedIsADeadLetterNamingTheVersionsKnown() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        fixture.publishPolicy(topics, 1, V1);

        DeadLetter letter = deadLetterOf(topics, requests("future", 7, 1), Duration.ofMillis(500));

        assertTrue(letter.getReason().contains("policy version 7 is not published")
                && letter.getReason().contains("versions published 0, 1"), letter.getReason());
    }

    @Test
    void aRequestForARetiredVersionIsADeadLetterNamingTheVersionsKept() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        for (long version = 1; version <= 3; version++) {
            fixture.publishPolicy(topics, version, V1);
        }

        DeadLetter letter = deadLetterOf(topics, requests("retired", 1, 1), Duration.ofMinutes(2));

        assertTrue(letter.getReason().contains("policy version 1 is retired")
                && letter.getReason().contains("versions 2, 3"), letter.getReason());
    }

    /** The dead letter a verifier waiting {@code wait} for a policy version makes of {@code requests}. */
    private DeadLetter deadLetterOf(TopicCatalogue topics, List<RolloutRequest> requests, Duration wait) throws Exception {
        try (VerifyEngine base = VerifyEngine.open(PipelineFixture.verifyConfig(4, 8));
             BackgroundLoop verify = BackgroundLoop.startFailingOnClose(loop(base, topics, "verify-" + UUID.randomUUID(),
                     2, wait), "verify")) {
            fixture.publish(topics, requests);
            return fixture.deadLetters(topics, 1).get(0);
        }
    }

    private VerifyLoop loop(VerifyEngine base, TopicCatalogue topics, String instance, int live, Duration wait) {
        return new VerifyLoop(base, encoder, fixture.settings(), topics, instance + "-group", instance,
                VerifierDrafting.plain()).withPolicies(new PolicyConfig(live, wait));
    }

    private static void awaitLoaded(TopicCatalogue topics, long version, String instance) {
        Await.until("policy version " + version + " loaded", Duration.ofMinutes(2),
                () -> fixture.policyLoaded(topics, version, List.of(instance)));
    }

    /** {@code count} shipped prompts under ids of their own, naming {@code version} (0 = none), half at T = 1. */
    private static List<RolloutRequest> requests(String tag, long version, int count) {
        List<RolloutRequest> requests = new ArrayList<>();
        List<RolloutRequest> shipped = PipelineFixture.shippedPrompts(1, MAX_NEW_TOKENS);
        for (int i = 0; i < count; i++) {
            RolloutRequest.Builder request = RolloutRequest.newBuilder(shipped.get(i))
                    .setRequestId(tag + "-" + i).setPolicyVersion(version);
            if (i % 2 == 1) {
                request.setTemperature(1f).setSeed(100 + i);
            }
            requests.add(request.build());
        }
        return requests;
    }

    private static void assertVersion(long version, List<RolloutRequest> requests, Map<String, Rollout> rollouts) {
        for (RolloutRequest request : requests) {
            Rollout rollout = rollouts.get(request.getRequestId() + "#0");
            assertTrue(rollout != null, "no rollout for " + request.getRequestId());
            assertEquals(version, rollout.getPolicyVersion(), request.getRequestId() + "'s policy version");
        }
    }

    private static Map<String, Rollout> only(List<RolloutRequest> requests, Map<String, Rollout> rollouts) {
        Map<String, Rollout> selected = new HashMap<>();
        requests.forEach(request -> selected.put(request.getRequestId() + "#0",
                rollouts.get(request.getRequestId() + "#0")));
        return selected;
    }
}
