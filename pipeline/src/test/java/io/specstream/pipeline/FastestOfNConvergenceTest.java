package io.specstream.pipeline;

import io.specstream.contract.BackgroundLoop;

import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;
import io.specstream.verify.service.VerifierDrafting;
import io.specstream.verify.service.VerifyLoop;

import io.specstream.draft.ModelDrafter;
import io.specstream.draft.ModelFreeDrafters;
import io.specstream.draft.SuffixDrafter;
import io.specstream.draft.service.DraftLoop;
import io.specstream.draft.service.TailSource;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.selector.SelectorConfig;
import io.specstream.selector.SelectorService;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.Await;
import io.specstream.topology.testing.TopicReader;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.TieCheck;
import io.specstream.verify.VerifyEngine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fastest-of-N on a workload where different drafters win for different requests, through the real services and
 * broker: prompts re-sampled from an earlier epoch (the suffix drafter holds their earlier rollouts, so it predicts
 * them) next to prompts never seen (only a draft model predicts those). The selector must converge, per request it
 * decides for, to the drafter that wins there — asserted on the assignments topic — and the output stays plain target
 * decoding.
 *
 * <p>The draft model is draft-tiny: here it shares two cores with the verifier, the broker and the selector, and
 * draft-small's tails, a third slower, reached a verifier that no longer pays for Kafka on its step thread several
 * steps stale, so at a request's start the selector had seen only suffix and narrowed to it (issue "Fresh drafts
 * after every rejection" is where draft-service keeps up with any verifier).
 */
class FastestOfNConvergenceTest {

    private static final int DRAFT_TOKENS = 4;
    private static final int MAX_NEW_TOKENS = 48;
    private static final int SAMPLES = 4;
    private static final int REPEATED = 6;
    private static final int NOVEL = 6;

    private static PipelineFixture fixture;
    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;
    private static DecoderSession target;
    private static DecoderSession draftModel;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
        tokenizer = PipelineFixture.tokenizer();
        encoder = PipelineFixture.encoder(tokenizer);
        target = PipelineFixture.session("target");
        draftModel = PipelineFixture.session("draft-tiny");
    }

    @AfterAll
    static void stop() {
        draftModel.close();
        target.close();
        tokenizer.close();
        fixture.close();
    }

    @Test
    void theSelectorPicksHistoryForRepeatedPromptsAndAModelForNovelOnes() throws Exception {
        List<RolloutRequest> shipped = PipelineFixture.shippedPrompts(SAMPLES, MAX_NEW_TOKENS);
        List<RolloutRequest> firstEpoch = renamed(shipped.subList(0, REPEATED), "epoch1-");
        List<RolloutRequest> secondEpoch = new ArrayList<>(renamed(shipped.subList(0, REPEATED), "epoch2-"));
        // sampled, so the samples of a group differ and their siblings do not predict them either
        secondEpoch.addAll(renamed(shipped.subList(REPEATED, REPEATED + NOVEL), "novel-").stream()
                .map(r -> RolloutRequest.newBuilder(r).setTemperature(1f).setSeed(r.getRequestId().hashCode()).build())
                .toList());
        TopicCatalogue topics = fixture.freshTopics();
        String group = "verify-" + UUID.randomUUID();
        int maxDraft = 2 * DRAFT_TOKENS;
        Map<String, Rollout> rollouts;
        try (VerifyEngine engine = VerifyEngine.open(PipelineFixture.verifyConfig(maxDraft));
             ModelDrafter small = ModelDrafter.withWindowFor("draft-tiny", draftModel, DRAFT_TOKENS);
             SelectorService selector = new SelectorService(fixture.settings(), topics, SelectorConfig.defaults())) {
            selector.start();
            VerifierDrafting drafting = VerifierDrafting.fastest(
                    ModelFreeDrafters.create("model-free", ModelFreeDrafters.all()), DRAFT_TOKENS);
            try (BackgroundLoop draft = BackgroundLoop.startFailingOnClose(new DraftLoop(List.of(TailSource.runAhead(small)), encoder,
                    fixture.settings(), topics, "draft-" + UUID.randomUUID()), "draft");
                 BackgroundLoop verifying = BackgroundLoop.startFailingOnClose(new VerifyLoop(engine, encoder, fixture.settings(), topics,
                         group, group + "-tx", drafting), "verify")) {
                fixture.publish(topics, firstEpoch);
                fixture.rollouts(topics, firstEpoch.size() * SAMPLES);
                fixture.publish(topics, secondEpoch);
                fixture.rollouts(topics, (firstEpoch.size() + secondEpoch.size()) * SAMPLES);
                Set<String> requests = new HashSet<>();
                secondEpoch.forEach(request -> requests.add(request.getRequestId()));
                // every finished request ends in a tombstone: the selector has seen all of its events by then
                Await.until("the selector closed every second-epoch request",
                        () -> finalAssignments(topics).closed().containsAll(requests));
            }
            rollouts = fixture.allRollouts(topics);
        }

        Map<String, DrafterAssignment> last = finalAssignments(topics).lastAssignment();

        // The verifier sends acceptance events every 20 ms: a request whose evidence and finish come in one send (a
        // repeated prompt drafted whole by suffix runs a few steps) is closed with no assignment, which it no longer
        // needs (a CI run had one such). Every request the selector decided for must have converged.
        Set<String> decided = new HashSet<>();
        for (RolloutRequest request : secondEpoch) {
            DrafterAssignment assignment = last.get(request.getRequestId());
            if (assignment == null) {
                continue;
            }
            decided.add(request.getRequestId());
            if (request.getRequestId().startsWith("epoch2-")) {
                assertEquals(SuffixDrafter.NAME, assignment.getPrimary(), "repeated prompt " + assignment);
            } else {
                assertEquals("draft-tiny", assignment.getPrimary(), "novel prompt " + assignment);
            }
        }
        assertTrue(decided.stream().anyMatch(id -> id.startsWith("epoch2-")), "no repeated prompt was decided on");
        assertTrue(decided.stream().anyMatch(id -> id.startsWith("novel-")), "no novel prompt was decided on");
        List<RolloutRequest> all = new ArrayList<>(firstEpoch);
        all.addAll(secondEpoch);
        assertEquals(all.size() * SAMPLES, rollouts.size(), "one rollout per sequence");
        TieCheck check = new TieCheck(target);
        List<CompletedRollout> expected;
        try (VerifyEngine engine = VerifyEngine.open(PipelineFixture.verifyConfig(DRAFT_TOKENS))) {
            expected = PlainReference.of(engine, encoder, all);
        }
        var specs = PlainReference.specs(encoder, all);
        for (int i = 0; i < expected.size(); i++) {
            CompletedRollout reference = expected.get(i);
            Rollout rollout = rollouts.get(reference.requestId() + "#" + reference.sampleIndex());
            assertNotNull(rollout, "no rollout for " + reference.key());
            check.assertSame(reference, PlainReference.completed(rollout), specs.get(i / SAMPLES));
        }
        long suffixAccepted = rollouts.values().stream().filter(r -> r.getRequestId().startsWith("epoch2-"))
                .flatMap(r -> r.getDrafterStats().stream()).filter(s -> s.getDrafter().equals(SuffixDrafter.NAME))
                .mapToLong(s -> s.getAccepted()).sum();
        assertTrue(suffixAccepted > 0, "the suffix drafter's tails were verified for repeated prompts");
    }

    private static List<RolloutRequest> renamed(List<RolloutRequest> requests, String prefix) {
        return requests.stream().map(r -> RolloutRequest.newBuilder(r).setRequestId(prefix + r.getRequestId()).build())
                .toList();
    }

    /** The assignments topic read to its end: each request's last non-null assignment, and which were closed. */
    private record Assignments(Map<String, DrafterAssignment> lastAssignment, Set<String> closed) {
    }

    private static Assignments finalAssignments(TopicCatalogue topics) {
        List<ConsumerRecord<String, DrafterAssignment>> records = TopicReader.readToEnd(
                fixture.settings().kafkaCommon(), topics.name(Topics.ASSIGNMENTS), new StringDeserializer(),
                Topics.ASSIGNMENTS.valueSerde(fixture.registry()).deserializer());
        Map<String, DrafterAssignment> last = new HashMap<>();
        Set<String> closed = new HashSet<>();
        for (ConsumerRecord<String, DrafterAssignment> record : records) {
            if (record.value() == null) {
                closed.add(record.key());
            } else {
                last.put(record.key(), record.value());
                closed.remove(record.key());
            }
        }
        return new Assignments(last, closed);
    }
}
