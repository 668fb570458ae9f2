package io.specstream.verify.service;

import io.specstream.contract.SequenceKey;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.client.TopicSnapshot;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.policy.PolicyConfig;
import io.specstream.verify.policy.PolicyEngines;
import io.specstream.verify.policy.PolicyRoute;
import io.specstream.verify.service.RestoredRequests.RestoredRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns prompt records into requests in the engines: decodes each (bad input becomes a dead letter and its offset
 * passes), skips one whose final snapshots say it was rolled out already, resumes one whose samples had committed
 * prefixes, and submits the rest afresh — each to the policy version {@link PolicyEngines#route} names. A request
 * whose version is not loaded yet waits here, its offset held back, until it is (then it is admitted) or until
 * {@code verify.policy-wait-ms} passes or the version proves unusable (then it is a dead letter saying why).
 *
 * <p>The {@code sequences} topic makes a takeover cheap and exact ({@link RestoredRequests}): when a prompts
 * partition was just assigned, its snapshots are read before its first prompt record is admitted — late enough that
 * the committed offset is stable, so every transaction it depends on is settled — and the final snapshots the
 * committed position has passed are tombstoned.
 */
final class PromptAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(PromptAdmission.class);
    private static final Duration RESTORE_DEADLINE = Duration.ofMinutes(2);

    private final PolicyEngines engines;
    private final Duration policyWait;
    private final RequestSpecs specs;
    private final RequestBook book;
    private final InputRecords input;
    private final VerifyOutput output;
    private final VerifyMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> restoreConsumer;
    private final String sequencesTopic;
    private final Clock clock = Clock.systemUTC();
    private final RestoredRequests restored = new RestoredRequests();
    private final Set<Integer> toRestore = new HashSet<>();
    private final List<PolicyWaiting> waiting = new ArrayList<>();

    PromptAdmission(PolicyEngines engines, Duration policyWait, RequestSpecs specs, RequestBook book,
                    InputRecords input, VerifyOutput output, VerifyMetrics metrics,
                    KafkaConsumer<byte[], byte[]> restoreConsumer, String sequencesTopic) {
        this.engines = engines;
        this.policyWait = policyWait;
        this.specs = specs;
        this.book = book;
        this.input = input;
        this.output = output;
        this.metrics = metrics;
        this.restoreConsumer = restoreConsumer;
        this.sequencesTopic = sequencesTopic;
    }

    /** The prompts partition numbered {@code partition} was just assigned: restore it before its first record. */
    void assigned(int partition) {
        toRestore.add(partition);
    }

    /** The partition left: nothing read of its snapshots counts any more, and its waiting requests go with it. */
    void released(int partition) {
        restored.forget(partition);
        toRestore.remove(partition);
        waiting.removeIf(request -> request.record().partition() == partition);
    }

    /** Admits the request {@code record} holds, if any: its sequences, or none. */
    List<SequenceKey> admit(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (toRestore.remove(record.partition())) {
            restore(record.partition(), record.offset());
        }
        Optional<RolloutRequest> decoded = input.request(record);
        if (decoded.isEmpty()) {
            book.skipped(partition, record.offset());
            return List.of();
        }
        RolloutRequest request = decoded.get();
        Optional<RestoredRequest> known = restored.take(record.partition(), record.offset(), request.getRequestId());
        if (known.filter(RestoredRequest::finished).isPresent()) {
            metrics.alreadyFinished();
            book.skipped(partition, record.offset());
            return List.of();
        }
        try {
            book.checkNotRunning(request.getRequestId());
            if (waiting.stream().anyMatch(other -> other.requestId().equals(request.getRequestId()))) {
                throw new IllegalArgumentException("request " + request.getRequestId() + " is already waiting for "
                        + "its policy version");
            }
            RolloutSpec spec = specs.toSpec(request);
            Map<Integer, CommittedPrefix> prefixes = known.map(RestoredRequest::prefixes).orElse(Map.of());
            OptionalLong resumedVersion = prefixes.isEmpty() ? OptionalLong.empty()
                    : OptionalLong.of(known.get().policyVersion());
            PolicyWaiting arrived = new PolicyWaiting(record, request, spec, prefixes, resumedVersion, clock.millis());
            Optional<List<SequenceKey>> admitted = tryAdmit(arrived);
            if (admitted.isEmpty()) {
                book.waiting(partition, record.offset(), spec.samples());
                waiting.add(arrived);
            }
            return admitted.orElse(List.of());
        } catch (IllegalArgumentException e) {
            input.deadLetters().publish(record, e.getMessage(), e);
            book.skipped(partition, record.offset());
            return List.of();
        }
    }

    /**
     * Admits the requests whose policy version loaded since they arrived, refuses those that waited too long or
     * whose version cannot be used; returns the sequences that joined.
     */
    List<SequenceKey> admitWaiting() {
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<SequenceKey> joined = new ArrayList<>();
        long now = clock.millis();
        for (Iterator<PolicyWaiting> it = waiting.iterator(); it.hasNext(); ) {
            PolicyWaiting request = it.next();
            try {
                Optional<List<SequenceKey>> admitted = tryAdmit(request);
                if (admitted.isPresent()) {
                    it.remove();
                    joined.addAll(admitted.get());
                } else if (now - request.receivedAtMs() > policyWait.toMillis()) {
                    throw new IllegalArgumentException("request " + request.requestId() + " waited "
                            + (now - request.receivedAtMs()) + " ms (" + PolicyConfig.POLICY_WAIT_MS + "="
                            + policyWait.toMillis() + ") for its policy version: " + why(request));
                }
            } catch (IllegalArgumentException e) {
                it.remove();
                input.deadLetters().publish(request.record(), e.getMessage(), e);
                book.abandoned(request.partition(), request.record().offset());
            }
        }
        return joined;
    }

    /**
     * Submits {@code request} to the version it routes to and books it; empty while it must wait. A refused version
     * is an IllegalArgumentException naming it and the versions there are.
     */
    private Optional<List<SequenceKey>> tryAdmit(PolicyWaiting request) {
        PolicyRoute route = engines.route(request.request().getPolicyVersion(), request.resumedVersion());
        if (route instanceof PolicyRoute.Refused refused) {
            throw new IllegalArgumentException("request " + request.requestId() + ": " + refused.reason());
        }
        if (!(route instanceof PolicyRoute.Ready ready)) {
            return Optional.empty();
        }
        submitResuming(ready.version(), request.spec(), request.resumed());
        return Optional.of(book.admit(new Admission(request.request(), request.spec(), ready.version(),
                request.partition(), request.record().offset(), request.receivedAtMs())));
    }

    private String why(PolicyWaiting request) {
        PolicyRoute route = engines.route(request.request().getPolicyVersion(), request.resumedVersion());
        return route instanceof PolicyRoute.Wait wait ? wait.why() : route.toString();
    }

    /** Submits {@code spec} resuming its samples' {@code prefixes}; a prefix the engine refuses is decoded again. */
    private void submitResuming(long version, RolloutSpec spec, Map<Integer, CommittedPrefix> prefixes) {
        if (!prefixes.isEmpty()) {
            try {
                engines.submit(version, spec, prefixes);
                metrics.restored(prefixes.size(), prefixes.values().stream().mapToInt(CommittedPrefix::length).sum());
                return;
            } catch (IllegalArgumentException e) {
                LOG.warn("request {}: its snapshots cannot be resumed, decoding it from the prompt: {}",
                        spec.requestId(), e.getMessage());
            }
        }
        engines.submit(version, spec, Map.of());
    }

    /** Reads partition {@code partition}'s snapshots; tombstones those before the committed {@code firstOffset}. */
    private void restore(int partition, long firstOffset) {
        TopicPartition changelog = new TopicPartition(sequencesTopic, partition);
        for (ConsumerRecord<byte[], byte[]> record
                : TopicSnapshot.readToEnd(restoreConsumer, List.of(changelog), RESTORE_DEADLINE)) {
            if (record.value() != null) {
                input.snapshot(record).ifPresent(snapshot -> restored.add(partition, snapshot));
            }
        }
        output.tombstone(partition, restored.passed(partition, firstOffset));
    }
}
