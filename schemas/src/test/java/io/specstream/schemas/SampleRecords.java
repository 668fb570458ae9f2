package io.specstream.schemas;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DeadLetter;
import io.specstream.schemas.avro.DraftAlternative;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.DrafterStats;
import io.specstream.schemas.avro.FinishReason;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.RolloutTimings;
import io.specstream.schemas.avro.SequenceSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Realistic values of every record, with optional fields set so that nothing round-trips by default. */
public final class SampleRecords {

    private SampleRecords() {
    }

    public static RolloutRequest rolloutRequest() {
        return RolloutRequest.newBuilder()
                .setRequestId("req-0007")
                .setPromptText("Q: What is 17 * 23? Think step by step.")
                .setPromptTokenIds(List.of(48, 25, 3555, 318, 1596, 1635, 2242, 30))
                .setNSamples(8)
                .setMaxNewTokens(512)
                .setStopTokenIds(List.of(50256))
                .setStopStrings(List.of("\n\nQ:", "</answer>"))
                .setTemperature(0.7f)
                .setTopP(0.95f)
                .setTopK(50)
                .setSeed(20261122L)
                .setPolicyVersion(42L)
                .setMetadata(Map.of("dataset", "gsm8k", "epoch", "3"))
                .setCreatedAtMs(1_795_000_000_123L)
                .build();
    }

    public static Rollout rollout() {
        return Rollout.newBuilder()
                .setRequestId("req-0007")
                .setSampleIndex(3)
                .setPromptTokenIds(List.of(48, 25, 3555, 318))
                .setResponseTokenIds(List.of(1596, 1635, 2242, 796, 50256))
                .setResponseText("17 * 23 = 391")
                .setLogprobs(List.of(-0.01f, -0.2f, -1.5f, -0.03f, -0.4f))
                .setScaledLogprobs(List.of(-0.005f, -0.15f, -1.1f, -0.02f, -0.3f))
                .setFinishReason(FinishReason.STOP_TOKEN)
                .setError(null)
                .setPromptTokens(4)
                .setResponseTokens(5)
                .setDrafterStats(List.of(new DrafterStats("ngram", 12L, 7L, 3L), new DrafterStats("draft-tiny", 20L, 15L, 4L)))
                .setVerifySteps(4)
                .setTimings(new RolloutTimings(3L, 41L, 230L))
                .setPolicyVersion(42L)
                .setGroupId("group-7")
                .build();
    }

    public static CommitUpdate commitUpdate() {
        return new CommitUpdate("req-0007", 3, 12, List.of(796, 50256), 14, true, 2);
    }

    public static DraftChunk draftChunk() {
        return new DraftChunk("req-0007", 1, "suffix", 10, List.of(5, 6, 7, 8), 9, 1_795_000_000_456L, 180L);
    }

    public static AcceptanceEvent acceptanceEvent() {
        return new AcceptanceEvent("req-0007", 2, "draft-tiny", 6, 4, 31, 16, 18_250L, 4_100L, 1_795_000_000_789L,
                List.of(new DraftAlternative("suffix", 5, 5, 3L)), 4, false);
    }

    public static DraftHeartbeat draftHeartbeat() {
        return new DraftHeartbeat("draft-0", List.of("draft-small", "draft-tiny"), 48, 0.75, 1_000L, 1_795_000_002_000L);
    }

    public static DrafterAssignment drafterAssignment() {
        return new DrafterAssignment("req-0007", List.of("draft-tiny", "suffix", "ngram"), "draft-tiny", 6,
                "tail phase: 3 sequences left", 1_795_000_001_000L);
    }

    public static SequenceSnapshot sequenceSnapshot() {
        return SequenceSnapshot.newBuilder()
                .setRequestId("req-0007")
                .setSampleIndex(5)
                .setRequest(rolloutRequest())
                .setPromptTokenIds(List.of(48, 25, 3555))
                .setCommittedTokenIds(List.of(1596, 1635))
                .setLogprobs(List.of(-0.01f, -0.2f))
                .setScaledLogprobs(List.of(-0.005f, -0.15f))
                .setFinished(false)
                .setEpoch(1)
                .setUpdatedAtMs(1_795_000_002_000L)
                .build();
    }

    public static DeadLetter deadLetter() {
        return new DeadLetter("prompts", 2, 1234L,
                ByteBuffer.wrap("req-bad".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap(new byte[] {7, 1, 2, 3}),
                "unknown magic byte 0x07", "io.specstream.schemas.serde.WireFormatException", 1_795_000_003_000L);
    }
}
