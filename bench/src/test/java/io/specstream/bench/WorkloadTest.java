package io.specstream.bench;

import io.specstream.schemas.avro.RolloutRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadTest {

    private static final List<RolloutRequest> PROMPTS = List.of(
            RolloutRequest.newBuilder().setRequestId("p0").setPromptText("Q: 1 + 1?\n").setNSamples(4).setSeed(10).build(),
            RolloutRequest.newBuilder().setRequestId("p1").setPromptText("Q: 2 + 2?\n").setNSamples(4).setSeed(20).build());

    @Test
    void everyEpochReSamplesTheSamePromptsUnderItsOwnIdsAndSeeds() {
        Workload workload = Workload.of(PROMPTS, 2, Sampling.T1, OptionalInt.empty(), 8);

        assertEquals(List.of("p0@e0", "p1@e0"), workload.epochs().get(0).stream().map(RolloutRequest::getRequestId).toList());
        assertEquals(List.of("p0@e1", "p1@e1"), workload.epochs().get(1).stream().map(RolloutRequest::getRequestId).toList());
        assertEquals(List.of(11L, 21L), workload.epochs().get(1).stream().map(RolloutRequest::getSeed).toList());
        assertEquals("Q: 1 + 1?\n", workload.epochs().get(1).get(0).getPromptText());
        assertEquals(1f, workload.epochs().get(1).get(0).getTemperature());
    }

    @Test
    void groupsLargerThanTheConcurrencyAreSplitKeepingEverySequence() {
        Workload workload = Workload.of(PROMPTS, 1, Sampling.GREEDY, OptionalInt.empty(), 3);

        List<RolloutRequest> epoch = workload.epochs().get(0);
        assertEquals(List.of("p0@e0/part0", "p0@e0/part1", "p1@e0/part0", "p1@e0/part1"),
                epoch.stream().map(RolloutRequest::getRequestId).toList());
        assertEquals(List.of(3, 1, 3, 1), epoch.stream().map(RolloutRequest::getNSamples).toList());
        assertEquals(8, workload.sequences());
    }

    @Test
    void aLengthLimitReplacesEveryRequestsOwnAndTheOriginalsStayUntouched() {
        Workload workload = Workload.of(PROMPTS, 1, Sampling.GREEDY, OptionalInt.of(32), 8);

        assertEquals(32, workload.epochs().get(0).get(1).getMaxNewTokens());
        assertEquals(0f, workload.epochs().get(0).get(1).getTemperature());
        assertEquals("p0", PROMPTS.get(0).getRequestId());
        assertEquals(256, PROMPTS.get(0).getMaxNewTokens());
    }

    @Test
    void namingAPolicyFromAnEpochChangesThoseEpochsRequestsOnly() {
        Workload workload = Workload.of(PROMPTS, 3, Sampling.GREEDY, OptionalInt.empty(), 8).namingPolicyFrom(1, 7);

        assertTrue(workload.epochs().get(0).stream().allMatch(request -> request.getPolicyVersion() == 0));
        assertTrue(workload.epochs().get(1).stream().allMatch(request -> request.getPolicyVersion() == 7));
        assertTrue(workload.epochs().get(2).stream().allMatch(request -> request.getPolicyVersion() == 7));
    }
}
