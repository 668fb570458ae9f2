package io.specstream.verify.service;

import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DraftAlternative;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DrafterStats;
import io.specstream.schemas.avro.FinishReason;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.RolloutTimings;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.draft.SequenceKey;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.StepOutcome;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The Avro records the verifier writes, built from the engine's values: a {@link CommitUpdate} and an
 * {@link AcceptanceEvent} per step outcome, a {@link Rollout} and a final {@link SequenceSnapshot} per completion,
 * progress snapshots of running sequences.
 */
final class OutputRecords {

    private final Clock clock;

    OutputRecords(Clock clock) {
        this.clock = clock;
    }

    CommitUpdate commit(StepOutcome outcome) {
        int[] tokens = outcome.tokens();
        return CommitUpdate.newBuilder()
                .setRequestId(outcome.key().requestId())
                .setSampleIndex(outcome.key().sampleIndex())
                .setStartPosition(outcome.startPosition())
                .setTokens(ints(tokens))
                .setCommittedLength(outcome.startPosition() + tokens.length)
                .setFinished(outcome.finished())
                .setEpoch(0)
                .build();
    }

    AcceptanceEvent acceptance(StepOutcome outcome, int batchSize, long stepMicros, int groupSize,
                               ToLongFunction<String> draftCostMicros) {
        return AcceptanceEvent.newBuilder()
                .setRequestId(outcome.key().requestId())
                .setSampleIndex(outcome.key().sampleIndex())
                .setDrafter(outcome.drafter().orElse(null))
                .setProposed(outcome.proposed())
                .setAccepted(outcome.accepted())
                .setCommittedLength(outcome.startPosition() + outcome.tokens().length)
                .setBatchSize(batchSize)
                .setStepCostMicros(stepMicros)
                .setDraftCostMicros(outcome.drafter().map(draftCostMicros::applyAsLong).orElse(0L))
                .setTimestampMs(clock.millis())
                .setAlternatives(outcome.alternatives().stream().map(alternative -> DraftAlternative.newBuilder()
                        .setDrafter(alternative.drafter())
                        .setProposed(alternative.proposed())
                        .setAgreed(alternative.agreed())
                        .setDraftCostMicros(draftCostMicros.applyAsLong(alternative.drafter()))
                        .build()).toList())
                .setGroupSize(groupSize)
                .setFinished(outcome.finished())
                .build();
    }

    /** The rollout of {@code done}, its timings measured from the request's arrival at {@code receivedAtMs}. */
    Rollout rollout(CompletedRollout done, RolloutRequest request, long receivedAtMs, FirstToken first) {
        List<DrafterStats> stats = new ArrayList<>();
        done.drafters().forEach((name, s) -> stats.add(DrafterStats.newBuilder().setDrafter(name)
                .setProposed(s.proposed()).setAccepted(s.accepted()).setVerifySteps(s.verifySteps()).build()));
        return Rollout.newBuilder()
                .setRequestId(done.requestId())
                .setSampleIndex(done.sampleIndex())
                .setPromptTokenIds(ints(done.promptIds()))
                .setResponseTokenIds(ints(done.responseIds()))
                .setResponseText(done.responseText())
                .setLogprobs(floats(done.rawLogProbs()))
                .setScaledLogprobs(floats(done.samplingLogProbs()))
                .setFinishReason(FinishReason.valueOf(done.finishReason().name()))
                .setPromptTokens(done.promptTokens())
                .setResponseTokens(done.responseTokens())
                .setDrafterStats(stats)
                .setVerifySteps(done.verifySteps())
                .setPolicyVersion(request.getPolicyVersion())
                .setGroupId(request.getGroupId())
                .setTimings(RolloutTimings.newBuilder()
                        .setQueuedMs(first.stepStartMs() - receivedAtMs)
                        .setFirstTokenMs(first.committedAtMs() - receivedAtMs)
                        .setTotalMs(clock.millis() - receivedAtMs)
                        .build())
                .build();
    }

    /** The final snapshot of {@code done}, read at {@code promptOffset}: its rollout is out, nothing to resume. */
    SequenceSnapshot finalSnapshot(CompletedRollout done, RolloutRequest request, long promptOffset) {
        return snapshot(done.key(), request, done.promptIds(),
                new CommittedPrefix(done.responseIds(), done.rawLogProbs(), done.samplingLogProbs()), true,
                promptOffset);
    }

    /** A running sequence's committed state: where a verifier taking it over resumes, and a drafter restarts. */
    SequenceSnapshot progressSnapshot(SequenceKey key, RolloutRequest request, int[] promptIds, CommittedPrefix prefix,
                                      long promptOffset) {
        return snapshot(key, request, promptIds, prefix, false, promptOffset);
    }

    private SequenceSnapshot snapshot(SequenceKey key, RolloutRequest request, int[] promptIds, CommittedPrefix prefix,
                                      boolean finished, long promptOffset) {
        return SequenceSnapshot.newBuilder()
                .setRequestId(key.requestId())
                .setSampleIndex(key.sampleIndex())
                .setRequest(request)
                .setPromptTokenIds(ints(promptIds))
                .setCommittedTokenIds(ints(prefix.tokens()))
                .setLogprobs(floats(prefix.rawLogProbs()))
                .setScaledLogprobs(floats(prefix.samplingLogProbs()))
                .setFinished(finished)
                .setEpoch(0)
                .setUpdatedAtMs(clock.millis())
                .setPromptOffset(promptOffset)
                .build();
    }

    private static List<Integer> ints(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int value : values) {
            list.add(value);
        }
        return list;
    }

    private static List<Float> floats(double[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add((float) value);
        }
        return list;
    }
}
