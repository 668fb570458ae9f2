package io.specstream.pipeline;

import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;

import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.testing.Await;
import io.specstream.verify.CompletedRollout;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes in the middle of a run, with every service in a JVM of its own so that {@code kill -9} is real
 * (DESIGN invariant 5): every request yields exactly one rollout to a read_committed consumer, equal to plain
 * target decoding (tokens and log-probs), however the run was interrupted. Each test prints how long recovery took;
 * those are measurements, not assertions.
 */
class CrashRecoveryTest {

    private static final Duration RECOVERY = Duration.ofMinutes(3);
    private static final int MAX_BATCH = 4;

    private static List<RolloutRequest> requests;
    private static List<CompletedRollout> expected;

    @BeforeAll
    static void start() {
        // long enough that a crash noticed after a 6 s session timeout still finds sequences running (every shipped
        // prompt: with the step thread no longer paying for Kafka, 40 of them could finish before the takeover)
        requests = PipelineFixture.everyOtherAtTemperatureOne(
                PipelineFixture.shippedPrompts(2, 128), 200);
        expected = PlainReference.computed(requests);
    }

    @Test
    void killingOneOfTwoVerifyInstancesMidRunLosesAndDoublesNoRollout(@TempDir Path work) {
        try (ProcessPipeline pipeline = ProcessPipeline.started(work)) {
            PipelineFixture fixture = pipeline.fixture();
            ServiceProcess draft = pipeline.draft("draft");
            ServiceProcess victim = pipeline.verify("verify-a", MAX_BATCH);
            ServiceProcess survivor = pipeline.verify("verify-b", MAX_BATCH);
            int moved = sharePartitions(victim, survivor);
            draft.awaitOwned(Set.of(0, 1));

            try (RolloutWatch watch = pipeline.watchRollouts()) {
                Takeover takeover = killMidRun(pipeline, fixture, watch, victim, survivor, moved, List.of());

                System.out.printf("verify kill -9: the survivor owned partition %d after %.1f s, its first rollout "
                                + "came %.1f s after the kill; %d sequences resumed from snapshots with %d tokens, "
                                + "%d requests found already rolled out%n", moved, takeover.ownedAfterSeconds(),
                        (firstIn(watch, moved, takeover.killedAt()) - takeover.killedAt()) / 1e3,
                        (long) survivor.metric("specstream_verify_restored_sequences_total"),
                        (long) survivor.metric("specstream_verify_restored_tokens_total"),
                        (long) survivor.metric("specstream_verify_requests_already_finished_total"));
                assertTrue(survivor.metric("specstream_verify_restored_sequences_total") > 0,
                        "the survivor resumed the victim's running sequences from their snapshots");
                assertExactlyThePlainRollouts(watch);
            }
        }
    }

    @Test
    void killingADraftInstanceMidRunLosesAndDoublesNoRollout(@TempDir Path work) {
        try (ProcessPipeline pipeline = ProcessPipeline.started(work)) {
            PipelineFixture fixture = pipeline.fixture();
            ServiceProcess victim = pipeline.draft("draft-a");
            ServiceProcess survivor = pipeline.draft("draft-b");
            int moved = sharePartitions(victim, survivor);
            ServiceProcess verify = pipeline.verify("verify", MAX_BATCH, ProcessPipeline.OUTLASTS_A_PAUSE);
            verify.awaitOwned(Set.of(0, 1));

            try (RolloutWatch watch = pipeline.watchRollouts()) {
                // the verifier, held through the takeover, cannot finish the sequences the survivor is to rebuild
                Takeover takeover = killMidRun(pipeline, fixture, watch, victim, survivor, moved, List.of(verify));

                System.out.printf("draft kill -9: the survivor owned partition %d after %.1f s and rebuilt %d mirrors "
                                + "from snapshots%n", moved, takeover.ownedAfterSeconds(),
                        (long) survivor.metric("specstream_draft_restored_sequences_total"));
                assertTrue(survivor.metric("specstream_draft_restored_sequences_total") > 0,
                        "the surviving draft instance rebuilt the running sequences' mirrors from their snapshots");
                assertExactlyThePlainRollouts(watch);
            }
        }
    }

    /** When the victim was killed, and when the survivor owned its partition. */
    private record Takeover(long killedAt, long ownedAt) {
        double ownedAfterSeconds() {
            return (ownedAt - killedAt) / 1e3;
        }
    }

    /**
     * Waits until {@code victim}, started first, and {@code survivor} own one partition each; returns the victim's.
     */
    private static int sharePartitions(ServiceProcess victim, ServiceProcess survivor) {
        Await.until("each of " + victim.name() + " and " + survivor.name() + " owns one partition", RECOVERY,
                () -> survivor.owned().size() == 1 && victim.owned().size() == 1);
        return victim.owned().iterator().next();
    }

    /**
     * Publishes the workload, kills {@code victim} once partition {@code moved} is mid-run — {@code held} paused from
     * just before the kill until {@code survivor} owns every partition — and waits for every rollout.
     */
    private static Takeover killMidRun(ProcessPipeline pipeline, PipelineFixture fixture, RolloutWatch watch,
                                       ServiceProcess victim, ServiceProcess survivor, int moved,
                                       List<ServiceProcess> held) {
        fixture.publish(pipeline.catalogue(), requests);
        awaitMidRun(watch, moved, expected);
        held.forEach(ServiceProcess::pause);
        long killedAt = System.currentTimeMillis();
        victim.kill();
        survivor.awaitOwned(Set.of(0, 1));
        long ownedAt = System.currentTimeMillis();
        held.forEach(ServiceProcess::resume);
        awaitAll(pipeline, watch, expected);
        return new Takeover(killedAt, ownedAt);
    }

    @Test
    void killingAVerifyInstanceDuringAPolicySwitchLosesAndDoublesNoRolloutAndKeepsEachRequestsVersion(
            @TempDir Path work) {
        Path v1 = PipelineFixture.models().resolve("target");
        Path v2 = PipelineFixture.models().resolve("target-v2");
        List<RolloutRequest> underV1 = versioned("v1-", 1, requests.subList(0, 48));
        List<RolloutRequest> underV2 = versioned("v2-", 2, requests.subList(48, 64));
        List<CompletedRollout> expectedV1 = PlainReference.computed(underV1, v1);
        List<CompletedRollout> expectedV2 = PlainReference.computed(underV2, v2);
        List<CompletedRollout> all = new ArrayList<>(expectedV1);
        all.addAll(expectedV2);
        try (ProcessPipeline pipeline = ProcessPipeline.started(work)) {
            PipelineFixture fixture = pipeline.fixture();
            fixture.publishPolicy(pipeline.catalogue(), 1, v1);
            ServiceProcess victim = pipeline.verify("verify-a", MAX_BATCH);
            ServiceProcess survivor = pipeline.verify("verify-b", MAX_BATCH);
            int moved = sharePartitions(victim, survivor);
            Await.until("both instances loaded policy version 1", RECOVERY,
                    () -> fixture.policyLoaded(pipeline.catalogue(), 1, List.of(victim.name(), survivor.name())));

            try (RolloutWatch watch = pipeline.watchRollouts()) {
                fixture.publish(pipeline.catalogue(), underV1);
                awaitMidRun(watch, moved, expectedV1);
                // the switch: version 2 and requests naming it go out, and the victim dies while it loads
                fixture.publishPolicy(pipeline.catalogue(), 2, v2);
                fixture.publish(pipeline.catalogue(), underV2);
                victim.kill();
                survivor.awaitOwned(Set.of(0, 1));
                awaitAll(pipeline, watch, all);

                assertTrue(survivor.metric("specstream_verify_restored_sequences_total") > 0,
                        "the survivor resumed the victim's running sequences from their snapshots");
                watch.poll();
                Map<String, Rollout> bySequence = exactlyOnce(watch, all.size());
                bySequence.forEach((key, rollout) -> assertEquals(key.startsWith("v1-") ? 1 : 2,
                        rollout.getPolicyVersion(), key + "'s policy version"));
                Map<String, Rollout> fromV1 = new HashMap<>(bySequence);
                fromV1.keySet().removeIf(key -> !key.startsWith("v1-"));
                Map<String, Rollout> fromV2 = new HashMap<>(bySequence);
                fromV2.keySet().removeIf(key -> !key.startsWith("v2-"));
                PlainReference.assertSameRollouts(expectedV1, fromV1);
                PlainReference.assertSameRollouts(expectedV2, fromV2);
            }
        }
    }

    /** {@code requests} under ids starting {@code prefix}, naming policy version {@code version}. */
    private static List<RolloutRequest> versioned(String prefix, long version, List<RolloutRequest> requests) {
        return requests.stream().map(request -> RolloutRequest.newBuilder(request)
                .setRequestId(prefix + request.getRequestId()).setPolicyVersion(version).build()).toList();
    }

    @Test
    void restartingTheBrokerMidRunLosesAndDoublesNoRollout(@TempDir Path work) {
        try (ProcessPipeline pipeline = ProcessPipeline.started(work)) {
            PipelineFixture fixture = pipeline.fixture();
            ServiceProcess draft = pipeline.draft("draft");
            ServiceProcess verify = pipeline.verify("verify", MAX_BATCH);
            verify.awaitOwned(Set.of(0, 1));
            draft.awaitOwned(Set.of(0, 1));

            fixture.publish(pipeline.catalogue(), requests);
            long killedAt;
            try (RolloutWatch watch = pipeline.watchRollouts()) {
                awaitMidRun(watch, 0, expected);
                killedAt = System.currentTimeMillis();
            }
            pipeline.killBroker();
            pipeline.startBroker();
            long upAt = System.currentTimeMillis();
            try (RolloutWatch watch = pipeline.watchRollouts()) {
                awaitAll(pipeline, watch, expected);
                long firstAfter = watch.seen().stream().mapToLong(ConsumerRecord::timestamp)
                        .filter(timestamp -> timestamp > upAt).min().orElse(upAt);
                System.out.printf("broker kill -9 and restart: up again after %.1f s, the first rollout after that "
                        + "%.1f s later%n", (upAt - killedAt) / 1e3, (firstAfter - upAt) / 1e3);
                assertTrue(verify.stillRunning() && draft.stillRunning(), "the services rode the broker's restart out");
                assertExactlyThePlainRollouts(watch);
            }
        }
    }

    /** Waits until rollouts of partition {@code partition} are coming out while some of its requests still run. */
    private static void awaitMidRun(RolloutWatch watch, int partition, List<CompletedRollout> expected) {
        long inPartition = expected.stream().filter(rollout -> partitionOf(rollout.requestId()) == partition).count();
        Await.until("the first rollouts of partition " + partition, RECOVERY, () -> {
            watch.poll();
            return watch.seenIn(partition) > 0;
        });
        assertTrue(watch.seenIn(partition) < inPartition, "partition " + partition + " finished before the crash");
    }

    /** Waits for every rollout; a run that stalls fails with what each service printed last. */
    private static void awaitAll(ProcessPipeline pipeline, RolloutWatch watch, List<CompletedRollout> expected) {
        try {
            Await.until(expected.size() + " rollouts", RECOVERY, () -> watch.poll() >= expected.size());
        } catch (AssertionError stalled) {
            throw new AssertionError(stalled.getMessage() + " (" + watch.seen().size() + " arrived)\n"
                    + pipeline.logTails(), stalled);
        }
    }

    private static long firstIn(RolloutWatch watch, int partition, long after) {
        return watch.seen().stream().filter(record -> record.partition() == partition)
                .mapToLong(ConsumerRecord::timestamp).filter(timestamp -> timestamp > after).min().orElse(after);
    }

    /** No sequence twice, none missing, each equal to plain decoding. */
    private static void assertExactlyThePlainRollouts(RolloutWatch watch) {
        watch.poll();
        PlainReference.assertSameRollouts(expected, exactlyOnce(watch, expected.size()));
    }

    /** The rollouts seen, keyed "request#sample", after checking there are {@code count}, none twice. */
    private static Map<String, Rollout> exactlyOnce(RolloutWatch watch, int count) {
        List<ConsumerRecord<String, Rollout>> seen = watch.seen();
        assertEquals(count, seen.size(), "one rollout per sequence, none lost, none doubled");
        Map<String, Rollout> bySequence = new HashMap<>();
        for (ConsumerRecord<String, Rollout> record : seen) {
            bySequence.put(record.value().getRequestId() + "#" + record.value().getSampleIndex(), record.value());
        }
        assertEquals(count, bySequence.size(), "no sequence rolled out twice");
        return bySequence;
    }

    private static int partitionOf(String requestId) {
        return BuiltInPartitioner.partitionForKey(requestId.getBytes(StandardCharsets.UTF_8),
                ProcessPipeline.PARTITIONS);
    }
}
