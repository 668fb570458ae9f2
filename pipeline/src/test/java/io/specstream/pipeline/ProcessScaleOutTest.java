package io.specstream.pipeline;

import io.specstream.verify.service.PipelineFixture;
import io.specstream.verify.service.PlainReference;

import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.testing.Await;
import io.specstream.verify.CompletedRollout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Draft and verify scale independently by starting more processes in their consumer group (DESIGN: everything
 * keyed by request id): the rollouts are the same however many of each run. With two partitions, a third draft
 * instance owns none and idles — which {@code specstream topics --draft-instances 3} warns of.
 */
class ProcessScaleOutTest {

    private static List<RolloutRequest> requests;
    private static List<CompletedRollout> expected;

    @BeforeAll
    static void start() {
        requests = PipelineFixture.everyOtherAtTemperatureOne(PipelineFixture.shippedPrompts(2, 48).subList(0, 16), 300);
        expected = PlainReference.computed(requests);
    }

    @Test
    void oneVerifyAndThreeDraftProcessesGiveThePlainRollouts(@TempDir Path work) {
        PlainReference.assertSameRollouts(expected, runWith(work, 1, 3));
    }

    @Test
    void twoVerifyAndOneDraftProcessGiveThePlainRollouts(@TempDir Path work) {
        PlainReference.assertSameRollouts(expected, runWith(work, 2, 1));
    }

    /** One run through {@code verifiers} verify and {@code drafters} draft processes, once they share the partitions. */
    private static Map<String, Rollout> runWith(Path work, int verifiers, int drafters) {
        try (ProcessPipeline pipeline = ProcessPipeline.started(work)) {
            PipelineFixture fixture = pipeline.fixture();
            List<ServiceProcess> draft = new ArrayList<>();
            for (int i = 0; i < drafters; i++) {
                draft.add(pipeline.draft("draft-" + i));
            }
            List<ServiceProcess> verify = new ArrayList<>();
            for (int i = 0; i < verifiers; i++) {
                verify.add(pipeline.verify("verify-" + i, 64));
            }
            awaitPartitionsShared(verify);
            awaitPartitionsShared(draft);

            fixture.publish(pipeline.catalogue(), requests);
            fixture.rollouts(pipeline.catalogue(), expected.size());
            Map<String, Rollout> all = fixture.allRollouts(pipeline.catalogue());
            assertEquals(expected.size(), all.size(), "one rollout per sequence");
            return all;
        }
    }

    /** Waits until the instances own both partitions between them, none twice (the group settled). */
    private static void awaitPartitionsShared(List<ServiceProcess> instances) {
        int busy = Math.min(instances.size(), ProcessPipeline.PARTITIONS);
        Await.until(instances.size() + " instances share the partitions", Duration.ofMinutes(2), () -> {
            Set<Integer> owned = new HashSet<>();
            int owning = 0;
            for (ServiceProcess instance : instances) {
                Set<Integer> mine = instance.owned();
                owning += mine.isEmpty() ? 0 : 1;
                owned.addAll(mine);
            }
            return owned.size() == ProcessPipeline.PARTITIONS && owning == busy
                    && instances.stream().mapToInt(instance -> instance.owned().size()).sum() == ProcessPipeline.PARTITIONS;
        });
    }
}
