package io.specstream.verify.policy;

import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.testing.Await;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.DraftCandidates;
import io.specstream.verify.PlainRollouts;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy versions on one verifier, with the shipped target (version 0) and its fine-tuned second version: which
 * version a request runs under, how versions load, retire and share the batch, and that each decodes exactly as its
 * own model alone would.
 */
class PolicyEnginesTest {

    private static final int MAX_NEW_TOKENS = 48;
    private static final OptionalLong FRESH = OptionalLong.empty();

    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;

    @BeforeAll
    static void open() {
        tokenizer = PipelineFixture.tokenizer();
        encoder = PipelineFixture.encoder(tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void aRequestNamingNoVersionRunsUnderTheNewestLoaded() {
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 2)) {
            engines.published(new PolicyModel(1, secondVersion()));
            engines.refresh();
            assertEquals(new PolicyRoute.Ready(0), engines.route(0, FRESH), "v1 is still loading: v0 is the newest loaded");

            awaitLoaded(engines, 1);

            assertEquals(new PolicyRoute.Ready(1), engines.route(0, FRESH));
        }
    }

    @Test
    void aRequestNamingAVersionNotLoadedYetWaitsUntilItIs() {
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 2)) {
            PolicyRoute unpublished = engines.route(1, FRESH);
            assertInstanceOf(PolicyRoute.Wait.class, unpublished);
            assertTrue(((PolicyRoute.Wait) unpublished).why().contains("versions published 0"), unpublished.toString());

            engines.published(new PolicyModel(1, secondVersion()));
            engines.refresh();
            assertInstanceOf(PolicyRoute.Wait.class, engines.route(1, FRESH));

            awaitLoaded(engines, 1);
            assertEquals(new PolicyRoute.Ready(1), engines.route(1, FRESH));
        }
    }

    @Test
    void aVersionOlderThanTheLiveOnesIsRefusedAsRetiredNamingTheVersionsKept() {
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 2)) {
            for (long version = 1; version <= 3; version++) {
                engines.published(new PolicyModel(version, secondVersion()));
            }
            engines.refresh();

            PolicyRoute route = engines.route(1, FRESH);

            assertInstanceOf(PolicyRoute.Refused.class, route);
            String reason = ((PolicyRoute.Refused) route).reason();
            assertTrue(reason.contains("retired") && reason.contains("versions 2, 3"), reason);
        }
    }

    @Test
    void aRetiredVersionFinishesItsRunningRequestsAndThenUnloads() {
        List<RolloutRequest> requests = prompts(2);
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 1)) {
            List<RolloutSpec> specs = PlainReference.specs(encoder, requests);
            engines.submit(0, specs.get(0), Map.of());
            engines.admit();
            engines.published(new PolicyModel(1, secondVersion()));
            awaitLoaded(engines, 1);
            assertEquals(List.of(0L, 1L), engines.status().loaded(), "v0 runs its request out");

            List<CompletedRollout> done = runToCompletion(engines);

            engines.refresh();
            assertEquals(List.of(1L), engines.status().loaded());
            assertSame(plain(config(8), specs.subList(0, 1)), done);
        }
    }

    @Test
    void versionsShareOneBatchCapacity() {
        List<RolloutSpec> pairs = PlainReference.specs(encoder, PipelineFixture.shippedPrompts(2, MAX_NEW_TOKENS)
                .subList(0, 2));
        try (VerifyEngine base = VerifyEngine.open(config(2)); PolicyEngines engines = engines(base, 2)) {
            engines.published(new PolicyModel(1, secondVersion()));
            awaitLoaded(engines, 1);
            engines.submit(0, pairs.get(0), Map.of());
            engines.submit(1, pairs.get(1), Map.of());

            engines.admit();

            assertEquals(2, engines.activeCount(), "the batch holds 2 sequences, whichever version runs them");
            assertTrue(engines.hasWaiting(), "the second pair waits for seats");
        }
    }

    @Test
    void eachVersionDecodesExactlyAsItsOwnModelAloneWhileBothRun() {
        List<RolloutRequest> requests = prompts(8);
        List<RolloutSpec> specs = PlainReference.specs(encoder, requests);
        List<RolloutSpec> asV1 = requests.stream().map(r -> RolloutRequest.newBuilder(r)
                .setRequestId(r.getRequestId() + "-v1").build()).map(r -> PlainReference.specs(encoder, List.of(r)).get(0))
                .toList();
        List<CompletedRollout> done;
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 2)) {
            engines.published(new PolicyModel(1, secondVersion()));
            awaitLoaded(engines, 1);
            for (int i = 0; i < specs.size(); i++) {
                engines.submit(0, specs.get(i), Map.of());
                engines.submit(1, asV1.get(i), Map.of());
            }
            done = runToCompletion(engines);
        }
        List<CompletedRollout> fromV0 = done.stream().filter(r -> !r.requestId().endsWith("-v1")).toList();
        List<CompletedRollout> fromV1 = done.stream().filter(r -> r.requestId().endsWith("-v1")).toList();
        List<CompletedRollout> plainV0 = plain(config(8), specs);
        List<CompletedRollout> plainV1 = plain(config(8).withModelDir(secondVersion()), asV1);

        assertSame(plainV0, fromV0);
        assertSame(plainV1, fromV1);
        int differing = 0;
        for (int i = 0; i < plainV0.size(); i++) {
            differing += java.util.Arrays.equals(plainV0.get(i).responseIds(), plainV1.get(i).responseIds()) ? 0 : 1;
        }
        assertTrue(differing > 0, "the two versions answer these prompts alike: the test would prove nothing");
    }

    @Test
    void sequencesResumedFromSnapshotsRunUnderTheirVersionEvenWhenItRetired() {
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 1)) {
            engines.published(new PolicyModel(1, secondVersion()));
            awaitLoaded(engines, 1);
            engines.refresh();
            assertEquals(List.of(1L), engines.status().loaded(), "v0 retired, idle");

            assertInstanceOf(PolicyRoute.Wait.class, engines.route(0, OptionalLong.of(0)));
            Await.until("v0 loaded again for its resumed sequences", () -> {
                engines.refresh();
                return engines.route(0, OptionalLong.of(0)).equals(new PolicyRoute.Ready(0));
            });
        }
    }

    @Test
    void aVersionWithAnotherTokenizerIsRefusedSayingWhy(@TempDir Path dir) throws IOException {
        Path target = PipelineFixture.models().resolve("target").toAbsolutePath();
        Files.createSymbolicLink(dir.resolve("model.onnx"), target.resolve("model.onnx"));
        Files.copy(target.resolve("config.json"), dir.resolve("config.json"));
        Files.writeString(dir.resolve("tokenizer.json"),
                Files.readString(target.resolve("tokenizer.json"), StandardCharsets.UTF_8).replace("\"<unk>\"", "\"<UNK>\""));
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 2)) {
            engines.published(new PolicyModel(1, dir));

            Await.until("v1 refused", () -> {
                engines.refresh();
                return engines.route(1, FRESH) instanceof PolicyRoute.Refused;
            });

            String reason = ((PolicyRoute.Refused) engines.route(1, FRESH)).reason();
            assertTrue(reason.contains("tokenizer.json differs"), reason);
            assertEquals(List.of("1: " + reason.substring("policy version 1 ".length())), engines.status().failed());
        }
    }

    @Test
    void versionsPublishedInQuickSuccessionWhileDecodingEachDecodeAsTheirOwnModel() {
        List<RolloutRequest> requests = prompts(12);
        List<CompletedRollout> done = new ArrayList<>();
        List<RolloutSpec> byV2 = new ArrayList<>();
        List<RolloutSpec> byTarget = new ArrayList<>();
        try (VerifyEngine base = VerifyEngine.open(config(8)); PolicyEngines engines = engines(base, 2)) {
            for (int version = 1; version <= requests.size(); version++) {
                // odd versions are the fine-tuned model, even ones the shipped target: loads and retirements overlap
                Path dir = version % 2 == 1 ? secondVersion() : PipelineFixture.models().resolve("target");
                engines.published(new PolicyModel(version, dir));
                awaitLoaded(engines, version);
                RolloutSpec spec = PlainReference.specs(encoder, List.of(requests.get(version - 1))).get(0);
                engines.submit(version, spec, Map.of());
                (version % 2 == 1 ? byV2 : byTarget).add(spec);
                for (int step = 0; step < 3 && engines.hasWork(); step++) {
                    engines.stepChoosing(key -> DraftCandidates.none());
                    done.addAll(engines.takeFinished());
                }
            }
            done.addAll(runToCompletion(engines));
            engines.refresh();
            assertEquals(List.of(11L, 12L), engines.status().loaded(), "every older version retired");
        }
        assertSame(plain(config(8).withModelDir(secondVersion()), byV2),
                done.stream().filter(r -> byV2.stream().anyMatch(s -> s.requestId().equals(r.requestId()))).toList());
        assertSame(plain(config(8), byTarget),
                done.stream().filter(r -> byTarget.stream().anyMatch(s -> s.requestId().equals(r.requestId()))).toList());
    }

    private static PolicyEngines engines(VerifyEngine base, int live) {
        return new PolicyEngines(base, new PolicyConfig(live, PolicyConfig.defaults().policyWait()));
    }

    private static VerifyConfig config(int maxBatch) {
        return PipelineFixture.verifyConfig(0, maxBatch);
    }

    private static Path secondVersion() {
        return PipelineFixture.models().resolve("target-v2");
    }

    private static void awaitLoaded(PolicyEngines engines, long version) {
        Await.until("policy version " + version + " loaded", () -> {
            engines.refresh();
            return engines.status().loaded().contains(version);
        });
    }

    private static List<RolloutRequest> prompts(int count) {
        return PipelineFixture.shippedPrompts(1, MAX_NEW_TOKENS).subList(0, count);
    }

    /** Steps every version until nothing is left; the rollouts in request order. */
    private static List<CompletedRollout> runToCompletion(PolicyEngines engines) {
        List<CompletedRollout> done = new ArrayList<>();
        while (engines.hasWork()) {
            engines.stepChoosing(key -> DraftCandidates.none());
            done.addAll(engines.takeFinished());
        }
        return done;
    }

    private static List<CompletedRollout> plain(VerifyConfig config, List<RolloutSpec> specs) {
        try (VerifyEngine alone = VerifyEngine.open(config)) {
            return new PlainRollouts(alone).run(specs);
        }
    }

    private static void assertSame(List<CompletedRollout> expected, List<CompletedRollout> actual) {
        List<CompletedRollout> sorted = new ArrayList<>(actual);
        sorted.sort(Comparator.comparing(CompletedRollout::requestId).thenComparingInt(CompletedRollout::sampleIndex));
        List<CompletedRollout> reference = new ArrayList<>(expected);
        reference.sort(Comparator.comparing(CompletedRollout::requestId).thenComparingInt(CompletedRollout::sampleIndex));
        assertEquals(reference.size(), sorted.size());
        for (int i = 0; i < reference.size(); i++) {
            assertEquals(reference.get(i).requestId(), sorted.get(i).requestId());
            assertArrayEquals(reference.get(i).responseIds(), sorted.get(i).responseIds(),
                    reference.get(i).requestId() + " tokens");
        }
    }
}
