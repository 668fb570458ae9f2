package io.specstream.verify.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.contract.BackgroundLoop;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.testing.Await;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.VerifyEngine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A verifier that takes a prompts partition over reads the {@code sequences} partition numbered like it (DESIGN
 * invariant 5): it resumes running sequences after their committed prefix, skips requests whose final snapshots
 * are out, and writes the snapshots the next owner will need. Snapshots are written here by hand where a test needs
 * a state only a crashed instance would leave.
 */
class SequenceRestoreTest {

    private static final int PARTITION = 0;

    private static PipelineFixture fixture;
    private static VerifyEngine reference;
    private static TextTokenizer tokenizer;
    private static PromptEncoder encoder;

    @BeforeAll
    static void start() {
        fixture = new PipelineFixture();
        reference = VerifyEngine.open(PipelineFixture.verifyConfig(4));
        tokenizer = PipelineFixture.tokenizer();
        encoder = PipelineFixture.encoder(tokenizer);
    }

    @AfterAll
    static void stop() {
        reference.close();
        tokenizer.close();
        fixture.close();
    }

    @Test
    void aRunningSequenceResumesAfterItsSnapshotAndEndsAsPlainDecodingWould() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        RolloutRequest request = request("resumed", 2, 48, 1f);
        List<CompletedRollout> expected = PlainReference.of(reference, encoder, List.of(request));
        long offset = fixture.publishTo(topics, PARTITION, request);
        fixture.publishSnapshot(topics, PARTITION, progress(request, expected.get(0), 10, offset));
        fixture.publishSnapshot(topics, PARTITION, progress(request, expected.get(1), 20, offset));

        MeterRegistry meters = new SimpleMeterRegistry();
        Map<String, Rollout> rollouts;
        try (RunningVerifier verify = verifying(topics, "verify-" + UUID.randomUUID(), meters)) {
            rollouts = fixture.rollouts(topics, 2);
        }

        PlainReference.assertSameRollouts(expected, rollouts);
        assertEquals(2, meters.get(VerifyMetrics.RESTORED_SEQUENCES).counter().count(), "sequences resumed");
        assertEquals(30, meters.get(VerifyMetrics.RESTORED_TOKENS).counter().count(), "tokens not decoded again");
    }

    @Test
    void aRequestWhoseFinalSnapshotsAreOutIsNotRolledOutAgain() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        RolloutRequest done = request("done", 2, 16, 0f);
        RolloutRequest next = request("next", 2, 16, 0f);
        long doneOffset = fixture.publishTo(topics, PARTITION, done);
        fixture.publishTo(topics, PARTITION, next);
        for (CompletedRollout rollout : PlainReference.of(reference, encoder, List.of(done))) {
            fixture.publishSnapshot(topics, PARTITION, finished(done, rollout, doneOffset));
        }

        MeterRegistry meters = new SimpleMeterRegistry();
        String group = "verify-" + UUID.randomUUID();
        try (RunningVerifier verify = verifying(topics, group, meters)) {
            Await.until("both prompts are committed", () -> fixture.committedPromptOffsets(group) == 2);
        }

        assertEquals(List.of("next#0", "next#1"), fixture.allRollouts(topics).keySet().stream().sorted().toList());
        assertEquals(1, meters.get(VerifyMetrics.ALREADY_FINISHED).counter().count(), "requests skipped");
    }

    @Test
    void aFinalSnapshotOfAnotherPromptRecordWithTheSameIdDoesNotStopARequestSentAgain() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        RolloutRequest again = request("again", 1, 16, 0f);
        List<CompletedRollout> expected = PlainReference.of(reference, encoder, List.of(again));
        long offset = fixture.publishTo(topics, PARTITION, again);
        fixture.publishSnapshot(topics, PARTITION, finished(again, expected.get(0), offset + 7));

        Map<String, Rollout> rollouts;
        try (RunningVerifier verify = verifying(topics)) {
            rollouts = fixture.rollouts(topics, 1);
        }

        PlainReference.assertSameRollouts(expected, rollouts);
    }

    @Test
    void aRunningSequenceIsSnapshottedAtAdmissionAndEvery32CommittedTokens() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        RolloutRequest request = request("snapshotted", 1, 100, 1f);
        CompletedRollout expected = PlainReference.of(reference, encoder, List.of(request)).get(0);
        long offset = fixture.publishTo(topics, PARTITION, request);

        try (RunningVerifier verify = verifying(topics)) {
            fixture.rollouts(topics, 1);
        }

        List<Integer> lengths = new ArrayList<>();
        for (ConsumerRecord<String, SequenceSnapshot> record : fixture.snapshots(topics)) {
            SequenceSnapshot snapshot = record.value();
            if (snapshot == null || snapshot.getFinished()) {
                continue;
            }
            assertEquals("snapshotted#0", record.key(), "snapshot key");
            assertEquals(PARTITION, record.partition(), "snapshot partition: the prompt's");
            assertEquals(offset, snapshot.getPromptOffset(), "prompt offset");
            int[] committed = snapshot.getCommittedTokenIds().stream().mapToInt(Integer::intValue).toArray();
            assertTrue(Arrays.equals(committed, Arrays.copyOf(expected.responseIds(), committed.length)),
                    "a snapshot holds a prefix of the rollout");
            lengths.add(committed.length);
        }
        List<Integer> everyInterval = new ArrayList<>();
        for (int length = 32; length < expected.responseTokens(); length += 32) {
            everyInterval.add(length);
        }
        assertEquals(List.of(32, 64, 96), everyInterval, "the rollout runs past three snapshot intervals");
        assertTrue(lengths.get(0) <= 2, "the first snapshot is written at admission: " + lengths);
        assertEquals(everyInterval, lengths.subList(1, lengths.size()), "then one every 32 tokens");
    }

    @Test
    void finalSnapshotsAreTombstonedOnceTheCommittedOffsetHasPassedThem() throws Exception {
        TopicCatalogue topics = fixture.freshTopics();
        RolloutRequest request = request("tombstoned", 2, 16, 0f);
        fixture.publishTo(topics, PARTITION, request);

        try (RunningVerifier verify = verifying(topics)) {
            fixture.rollouts(topics, 2);
            Await.until("both sequences' last snapshot is a tombstone", () -> lastPerKey(topics).size() == 2
                    && lastPerKey(topics).values().stream().allMatch(last -> last.value() == null));
        }

        for (ConsumerRecord<String, SequenceSnapshot> record : fixture.snapshots(topics)) {
            if (record.value() != null && record.value().getFinished()) {
                assertTrue(record.offset() < lastPerKey(topics).get(record.key()).offset(),
                        "the tombstone of " + record.key() + " follows its final snapshot");
            }
        }
        lastPerKey(topics).values().forEach(last -> assertNull(last.value(), last.key() + " ends in a tombstone"));
    }

    private static Map<String, ConsumerRecord<String, SequenceSnapshot>> lastPerKey(TopicCatalogue topics) {
        Map<String, ConsumerRecord<String, SequenceSnapshot>> last = new HashMap<>();
        fixture.snapshots(topics).forEach(record -> last.put(record.key(), record));
        return last;
    }

    /** A verify loop on an engine of its own, on its own thread; closing stops the loop, then the engine. */
    private record RunningVerifier(VerifyEngine engine, BackgroundLoop loop) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                loop.close();
            } finally {
                engine.close();
            }
        }
    }

    private static RunningVerifier verifying(TopicCatalogue topics) {
        return verifying(topics, "verify-" + UUID.randomUUID(), new SimpleMeterRegistry());
    }

    private static RunningVerifier verifying(TopicCatalogue topics, String group, MeterRegistry meters) {
        VerifyEngine engine = VerifyEngine.open(PipelineFixture.verifyConfig(4));
        VerifyLoop loop = new VerifyLoop(engine, encoder, fixture.settings(), topics, group, group + "-tx",
                VerifierDrafting.decoupled(), meters);
        return new RunningVerifier(engine, BackgroundLoop.startFailingOnClose(loop, "verify"));
    }

    /** A shipped prompt (rl-math-0039) whose samples run to 128 tokens, greedy and at T = 1 with seed 11. */
    private static RolloutRequest request(String id, int samples, int maxNewTokens, float temperature) {
        return RolloutRequest.newBuilder(PipelineFixture.shippedPrompts(samples, maxNewTokens).get(39))
                .setRequestId(id).setTemperature(temperature).setSeed(11).build();
    }

    /** The first {@code tokens} tokens of {@code rollout}, as a crashed verifier would have left them. */
    private static SequenceSnapshot progress(RolloutRequest request, CompletedRollout rollout, int tokens, long offset) {
        return snapshot(request, rollout, tokens, false, offset);
    }

    private static SequenceSnapshot finished(RolloutRequest request, CompletedRollout rollout, long offset) {
        return snapshot(request, rollout, rollout.responseTokens(), true, offset);
    }

    private static SequenceSnapshot snapshot(RolloutRequest request, CompletedRollout rollout, int tokens,
                                             boolean finished, long offset) {
        List<Integer> ids = new ArrayList<>();
        List<Float> raw = new ArrayList<>();
        List<Float> scaled = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            ids.add(rollout.responseIds()[i]);
            raw.add((float) rollout.rawLogProbs()[i]);
            scaled.add((float) rollout.samplingLogProbs()[i]);
        }
        return SequenceSnapshot.newBuilder().setRequestId(request.getRequestId())
                .setSampleIndex(rollout.sampleIndex()).setRequest(request)
                .setPromptTokenIds(Arrays.stream(rollout.promptIds()).boxed().toList())
                .setCommittedTokenIds(ids).setLogprobs(raw).setScaledLogprobs(scaled)
                .setFinished(finished).setPromptOffset(offset).build();
    }
}
