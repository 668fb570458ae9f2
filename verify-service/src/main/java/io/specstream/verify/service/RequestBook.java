package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.StepOutcome;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The requests in flight on the step thread, one {@link InFlightRequest} each, and the prompt offsets they hold
 * back: a request enters at admission and leaves either whole (every sample finished: handed to the I/O side) or
 * dropped (its partition went to another instance).
 */
final class RequestBook {

    private final Map<String, InFlightRequest> requests = new HashMap<>();
    private final PromptOffsets offsets = new PromptOffsets();

    /** Refuses a request id that is running already (a duplicate while running is bad input). */
    void checkNotRunning(String requestId) {
        if (requests.containsKey(requestId)) {
            throw new IllegalArgumentException("request " + requestId + " is already running");
        }
    }

    /** A request the engine took; returns its sequences. */
    List<SequenceKey> admit(Admission admission) {
        InFlightRequest request = new InFlightRequest(admission);
        requests.put(admission.requestId(), request);
        offsets.received(admission.partition(), admission.offset(), admission.spec().samples());
        return request.keys();
    }

    /**
     * A request that waits for its policy version before the engine can take it: its offset is held back like an
     * admitted one's until it is {@link #admit admitted} or {@link #abandoned}.
     */
    void waiting(TopicPartition partition, long offset, int samples) {
        offsets.received(partition, offset, samples);
    }

    /** A waiting request was refused in the end (a dead letter): its offset may pass. */
    void abandoned(TopicPartition partition, long offset) {
        offsets.abandoned(partition, offset);
    }

    /** A prompt record that needs no completion (bad input, or rolled out already): its offset may pass. */
    void skipped(TopicPartition partition, long offset) {
        offsets.received(partition, offset, 0);
    }

    /** The policy version decoding {@code requestId}; 0 for one not in flight here. Per outcome, every step. */
    long policyVersion(String requestId) {
        InFlightRequest request = requests.get(requestId);
        return request == null ? 0 : request.admission().policyVersion();
    }

    Optional<Admission> admission(String requestId) {
        return Optional.ofNullable(requests.get(requestId)).map(InFlightRequest::admission);
    }

    boolean running(SequenceKey key) {
        InFlightRequest request = requests.get(key.requestId());
        return request != null && request.running(key.sampleIndex());
    }

    /** Notes the first token of every sequence that got one in a step timed {@code first}. */
    void stepped(List<StepOutcome> outcomes, FirstToken first) {
        for (StepOutcome outcome : outcomes) {
            InFlightRequest request = requests.get(outcome.key().requestId());
            if (request != null) {
                request.firstToken(outcome.key().sampleIndex(), first);
            }
        }
    }

    /** Takes the finished samples; returns the requests they completed, which leave the book. */
    List<CompletedRequest> finished(List<CompletedRollout> rollouts) {
        List<CompletedRequest> complete = new ArrayList<>();
        for (CompletedRollout rollout : rollouts) {
            InFlightRequest request = requests.get(rollout.requestId());
            offsets.sampleFinished(request.admission().partition(), request.admission().offset());
            request.finished(rollout).ifPresent(done -> {
                requests.remove(rollout.requestId());
                complete.add(done);
            });
        }
        return complete;
    }

    /** Prompt positions that moved since the last call: committable once the requests handed off before are. */
    Map<TopicPartition, OffsetAndMetadata> advancedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> advanced = offsets.advanced();
        offsets.committed(advanced);
        return advanced;
    }

    /** Drops every request read from {@code partitions}; returns them (their new owner decodes them again). */
    List<InFlightRequest> release(Collection<TopicPartition> partitions) {
        List<InFlightRequest> released = new ArrayList<>();
        for (Iterator<InFlightRequest> it = requests.values().iterator(); it.hasNext(); ) {
            InFlightRequest request = it.next();
            if (partitions.contains(request.admission().partition())) {
                released.add(request);
                it.remove();
            }
        }
        partitions.forEach(offsets::forget);
        return released;
    }
}
