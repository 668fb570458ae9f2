package io.specstream.verify.service;

import io.specstream.schemas.avro.AcceptanceBatch;
import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.CommitBatch;
import io.specstream.schemas.avro.DraftAlternative;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DrafterStats;
import io.specstream.schemas.avro.FinishReason;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.RolloutTimings;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.contract.SequenceKey;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.StepOutcome;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The verifier's one converter out: the producer records it writes, built from the engine's values and serialized
 * through the catalogue's serdes — per step and partition a {@link CommitBatch} and an {@link AcceptanceBatch}, per
 * completion a {@link Rollout} and a final {@link SequenceSnapshot} of each sample, progress snapshots of running
 * sequences and tombstones. Batches go to the partition numbered like their requests' prompts partition, unkeyed;
 * snapshots are keyed {@code request_id#sample_index} in that partition, so compaction keeps one per sequence.
 */
final class OutputRecords {

    private final Clock clock;
    private final TopicCatalogue catalogue;
    private final SchemaRegistry registry;
    private final String commitsTopic;
    private final String acceptanceTopic;
    private final String rolloutsTopic;
    private final String sequencesTopic;
    private final Serializer<String> keys;
    private final Serializer<CommitBatch> commitBatches;
    private final Serializer<AcceptanceBatch> acceptanceBatches;
    private final Serializer<Rollout> rollouts;
    private final Serializer<SequenceSnapshot> snapshots;

    OutputRecords(TopicCatalogue catalogue, SchemaRegistry registry, Clock clock) {
        this.clock = clock;
        this.catalogue = catalogue;
        this.registry = registry;
        this.commitsTopic = catalogue.name(Topics.COMMITS);
        this.acceptanceTopic = catalogue.name(Topics.ACCEPTANCE);
        this.rolloutsTopic = catalogue.name(Topics.ROLLOUTS);
        this.sequencesTopic = catalogue.name(Topics.SEQUENCES);
        this.keys = Topics.SEQUENCES.keySerde(registry).serializer();
        this.commitBatches = Topics.COMMITS.valueSerde(registry).serializer();
        this.acceptanceBatches = Topics.ACCEPTANCE.valueSerde(registry).serializer();
        this.rollouts = Topics.ROLLOUTS.valueSerde(registry).serializer();
        this.snapshots = Topics.SEQUENCES.valueSerde(registry).serializer();
    }

    /** Dead letters through {@code producer}, keyed by the bad record's own key. */
    DeadLetterPublisher deadLetters(Producer<byte[], byte[]> producer) {
        return new DeadLetterPublisher(producer, Topics.DEAD_LETTERS.valueSerde(registry).serializer(), catalogue,
                clock);
    }

    ProducerRecord<byte[], byte[]> commitBatch(int partition, List<CommitUpdate> updates) {
        CommitBatch batch = CommitBatch.newBuilder().setUpdates(updates).setTimestampMs(clock.millis()).build();
        return new ProducerRecord<>(commitsTopic, partition, null, commitBatches.serialize(commitsTopic, batch));
    }

    ProducerRecord<byte[], byte[]> acceptanceBatch(int partition, List<AcceptanceEvent> events) {
        AcceptanceBatch batch = AcceptanceBatch.newBuilder().setEvents(events).setTimestampMs(clock.millis()).build();
        return new ProducerRecord<>(acceptanceTopic, partition, null,
                acceptanceBatches.serialize(acceptanceTopic, batch));
    }

    /** Every sample's Rollout and final snapshot: what one completion transaction writes for the request. */
    List<ProducerRecord<byte[], byte[]>> completion(CompletedRequest request) {
        Admission admission = request.admission();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i < request.rollouts().size(); i++) {
            CompletedRollout done = request.rollouts().get(i);
            FirstToken first = request.firstTokens().get(done.sampleIndex());
            out.add(new ProducerRecord<>(rolloutsTopic, keys.serialize(rolloutsTopic, done.requestId()),
                    rollouts.serialize(rolloutsTopic, rollout(done, admission, first))));
            out.add(snapshotRecord(admission, done.key(), finalSnapshot(done, admission)));
        }
        return out;
    }

    ProducerRecord<byte[], byte[]> progressSnapshot(StepReport.Progress progress) {
        Admission admission = progress.request();
        return snapshotRecord(admission, progress.key(), snapshot(progress.key(), admission,
                admission.spec().promptIds(), progress.prefix(), false));
    }

    List<ProducerRecord<byte[], byte[]>> tombstones(int partition, List<SequenceKey> sequences) {
        return sequences.stream().map(key -> new ProducerRecord<byte[], byte[]>(sequencesTopic, partition,
                keys.serialize(sequencesTopic, key.toString()), null)).toList();
    }

    private ProducerRecord<byte[], byte[]> snapshotRecord(Admission admission, SequenceKey key,
                                                          SequenceSnapshot snapshot) {
        return new ProducerRecord<>(sequencesTopic, admission.partition().partition(),
                keys.serialize(sequencesTopic, key.toString()), snapshots.serialize(sequencesTopic, snapshot));
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

    AcceptanceEvent acceptance(StepReport.Sequence sequence, int batchSize, long stepMicros, long timestampMs) {
        StepOutcome outcome = sequence.outcome();
        ToLongFunction<String> draftCostMicros = drafter -> sequence.draftCostMicros().getOrDefault(drafter, 0L);
        int groupSize = sequence.request().spec().samples();
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
                .setTimestampMs(timestampMs)
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

    /** The rollout of {@code done}, its timings measured from the request's arrival. */
    private Rollout rollout(CompletedRollout done, Admission admission, FirstToken first) {
        RolloutRequest request = admission.request();
        long receivedAtMs = admission.receivedAtMs();
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
                .setPolicyVersion(admission.policyVersion())
                .setGroupId(request.getGroupId())
                .setTimings(RolloutTimings.newBuilder()
                        .setQueuedMs(first.stepStartMs() - receivedAtMs)
                        .setFirstTokenMs(first.committedAtMs() - receivedAtMs)
                        .setTotalMs(clock.millis() - receivedAtMs)
                        .build())
                .build();
    }

    /** The final snapshot of {@code done}: its rollout is out, nothing to resume. */
    private SequenceSnapshot finalSnapshot(CompletedRollout done, Admission admission) {
        return snapshot(done.key(), admission, done.promptIds(),
                new CommittedPrefix(done.responseIds(), done.rawLogProbs(), done.samplingLogProbs()), true);
    }

    /** A snapshot tied to the prompt record the request was admitted from, with the policy version decoding it. */
    private SequenceSnapshot snapshot(SequenceKey key, Admission admission, int[] promptIds, CommittedPrefix prefix,
                                      boolean finished) {
        return SequenceSnapshot.newBuilder()
                .setRequestId(key.requestId())
                .setSampleIndex(key.sampleIndex())
                .setRequest(admission.request())
                .setPromptTokenIds(ints(promptIds))
                .setCommittedTokenIds(ints(prefix.tokens()))
                .setLogprobs(floats(prefix.rawLogProbs()))
                .setScaledLogprobs(floats(prefix.samplingLogProbs()))
                .setFinished(finished)
                .setEpoch(0)
                .setUpdatedAtMs(clock.millis())
                .setPromptOffset(admission.offset())
                .setPolicyVersion(admission.policyVersion())
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
