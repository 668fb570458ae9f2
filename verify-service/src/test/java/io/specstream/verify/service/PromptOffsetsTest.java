package io.specstream.verify.service;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptOffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("prompts", 0);
    private static final TopicPartition P1 = new TopicPartition("prompts", 1);

    @Test
    void anUnfinishedPromptHoldsItsOffsetEvenWhenLaterOnesFinish() {
        PromptOffsets offsets = new PromptOffsets();
        offsets.received(P0, 4, 2);
        offsets.received(P0, 5, 1);
        assertTrue(offsets.sampleFinished(P0, 5));
        assertEquals(Map.of(P0, new OffsetAndMetadata(4)), offsets.advanced());
    }

    @Test
    void aPromptIsDoneOnlyWhenItsLastSampleFinishes() {
        PromptOffsets offsets = new PromptOffsets();
        offsets.received(P0, 4, 2);
        assertFalse(offsets.sampleFinished(P0, 4));
        assertTrue(offsets.sampleFinished(P0, 4));
        assertEquals(Map.of(P0, new OffsetAndMetadata(5)), offsets.advanced());
    }

    @Test
    void rejectedPromptsNeedNoCompletionToBeCommitted() {
        PromptOffsets offsets = new PromptOffsets();
        offsets.received(P1, 0, 0);
        offsets.received(P1, 1, 0);
        assertEquals(Map.of(P1, new OffsetAndMetadata(2)), offsets.advanced());
    }

    @Test
    void aCommittedPositionIsNotOfferedAgain() {
        PromptOffsets offsets = new PromptOffsets();
        offsets.received(P0, 0, 0);
        offsets.committed(offsets.advanced());
        assertEquals(Map.of(), offsets.advanced());
    }

    @Test
    void aForgottenPartitionOffersNothingAndLeavesTheOthersAlone() {
        PromptOffsets offsets = new PromptOffsets();
        offsets.received(P0, 3, 2);
        offsets.received(P1, 7, 0);
        offsets.forget(P0);
        assertEquals(Map.of(P1, new OffsetAndMetadata(8)), offsets.advanced());
        assertThrows(IllegalStateException.class, () -> offsets.sampleFinished(P0, 3));
    }

    @Test
    void finishingASampleOfAnUnknownPromptIsAnError() {
        PromptOffsets offsets = new PromptOffsets();
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> offsets.sampleFinished(P0, 9));
        assertTrue(error.getMessage().contains("offset 9"), error.getMessage());
    }
}
