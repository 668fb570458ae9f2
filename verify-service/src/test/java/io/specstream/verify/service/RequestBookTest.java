package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.FinishReason;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.StepOutcome;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestBookTest {

    private static final TopicPartition P0 = new TopicPartition("prompts", 0);
    private static final TopicPartition P1 = new TopicPartition("prompts", 1);

    private final RequestBook book = new RequestBook();

    @Test
    void aRequestLeavesWholeWhenItsLastSampleFinishes() {
        book.admit(admission("r1", 2, P0, 4));

        assertEquals(List.of(), book.finished(List.of(rollout("r1", 1))));
        List<CompletedRequest> done = book.finished(List.of(rollout("r1", 0)));

        assertEquals(1, done.size());
        assertEquals(List.of(0, 1), done.get(0).rollouts().stream().map(CompletedRollout::sampleIndex).toList());
        assertTrue(book.admission("r1").isEmpty());
    }

    @Test
    void aFinishedSampleIsNoLongerRunningWhileItsSiblingIs() {
        book.admit(admission("r1", 2, P0, 4));

        book.finished(List.of(rollout("r1", 0)));

        assertFalse(book.running(new SequenceKey("r1", 0)));
        assertTrue(book.running(new SequenceKey("r1", 1)));
    }

    @Test
    void aSamplesFirstTokenTimeIsTheStepThatGaveItsFirstToken() {
        book.admit(admission("r1", 1, P0, 4));
        book.stepped(List.of(outcome("r1", 0)), new FirstToken(10, 12));
        book.stepped(List.of(outcome("r1", 0)), new FirstToken(20, 25));

        CompletedRequest done = book.finished(List.of(rollout("r1", 0))).get(0);

        assertEquals(List.of(new FirstToken(10, 12)), done.firstTokens());
    }

    @Test
    void thePromptOffsetPassesARequestOnlyOnceItIsComplete() {
        book.admit(admission("r1", 2, P0, 4));
        book.skipped(P0, 5);
        assertEquals(Map.of(P0, new OffsetAndMetadata(4)), book.advancedOffsets());

        book.finished(List.of(rollout("r1", 0), rollout("r1", 1)));

        assertEquals(Map.of(P0, new OffsetAndMetadata(6)), book.advancedOffsets());
        assertEquals(Map.of(), book.advancedOffsets(), "nothing moved since");
    }

    @Test
    void releasingAPartitionDropsItsRequestsAndKeepsTheOthers() {
        book.admit(admission("r1", 1, P0, 4));
        book.admit(admission("r2", 1, P1, 7));

        List<InFlightRequest> released = book.release(List.of(P0));

        assertEquals(List.of("r1"), released.stream().map(r -> r.admission().requestId()).toList());
        assertTrue(book.admission("r1").isEmpty());
        assertTrue(book.running(new SequenceKey("r2", 0)));
    }

    @Test
    void anIdAlreadyRunningIsRefused() {
        book.admit(admission("r1", 1, P0, 4));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> book.checkNotRunning("r1"));

        assertEquals("request r1 is already running", refused.getMessage());
    }

    private static Admission admission(String id, int samples, TopicPartition partition, long offset) {
        RolloutSpec spec = RolloutSpec.greedy(id, new int[] {1, 2}, samples, 8);
        return new Admission(RolloutRequest.newBuilder().setRequestId(id).setNSamples(samples).build(), spec, 0,
                partition, offset, 0);
    }

    private static StepOutcome outcome(String id, int sample) {
        return new StepOutcome(new SequenceKey(id, sample), 0, new int[] {3}, Optional.empty(), 0, 0, Optional.empty());
    }

    private static CompletedRollout rollout(String id, int sample) {
        return new CompletedRollout(id, sample, new int[] {1, 2}, new int[] {3}, "x", new double[] {-0.1},
                new double[] {0}, FinishReason.MAX_TOKENS, Map.of(), 1);
    }
}
