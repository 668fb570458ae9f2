package io.specstream.verify.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.draft.DraftTail;
import io.specstream.draft.SequenceKey;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.deadletter.RecordDecoder;
import io.specstream.topology.metrics.KafkaClientMeters;
import io.specstream.topology.client.TopicSnapshot;
import io.specstream.verify.CommittedPrefix;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.EngineTime;
import io.specstream.verify.service.RestoredRequests.RestoredRequest;
import io.specstream.verify.RolloutSpec;
import io.specstream.verify.StepOutcome;
import io.specstream.verify.VerifyEngine;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The verifier's one loop: prompts in, commits and acceptance events out per step, rollouts out exactly once.
 *
 * <p>Each iteration polls {@code prompts} (read_committed, offsets committed only through the transaction) and
 * {@code drafts} and {@code assignments} (read_uncommitted, hints), timeout 0 while the engine has work, so it never
 * waits for drafts (DESIGN invariant 2). It submits new requests, keeps the newest chunk per running sequence and
 * drafter, lets its in-verifier drafters propose ({@link DraftSources}, as {@link VerifierDrafting} says), steps the
 * engine — which verifies per sequence the tail the selector ranks first, or the longest valid one — and publishes
 * one CommitUpdate and one AcceptanceEvent (with the unverified tails judged as alternatives) per outcome on a plain
 * producer.
 * A request's completions go out together once its last sample finishes — every sample's Rollout and final
 * SequenceSnapshot, with the prompt offsets that became committable, in one transaction (invariant 5). Holding a
 * GRPO group until it is whole costs nothing a trainer would use (advantages need the whole group) and keeps a
 * rebalance simple: when a prompts partition is revoked, its unfinished requests are dropped here, none of their
 * rollouts is out and their offsets are uncommitted, so the new owner reads them again and, decoding being
 * deterministic, emits exactly what this instance would have. Bad records and impossible requests become dead
 * letters.
 *
 * <p>The {@code sequences} topic makes a takeover cheap and exact ({@link RestoredRequests}): every sequence's
 * snapshot goes out when it is admitted and every {@value #SNAPSHOT_EVERY} committed tokens (plain producer: any
 * committed prefix is the truth), its final one with its rollout. An instance taking a partition over reads that
 * partition's snapshots before its first prompt record: a request whose final snapshots are there was rolled out
 * already (its offset waited for an earlier request) and is skipped; a running one resumes after its samples'
 * committed prefixes. Final snapshots are tombstoned once the committed offset has passed their prompt
 * ({@link FinishedSnapshots}).
 *
 * <p>Every step, wait, commit and drafter's acceptance is measured in {@link VerifyMetrics}, and the clients' own
 * metrics (consumer lag among them) are bound to the same registry while {@link #run()} runs.
 *
 * <p>Single-threaded: {@link #run()} owns every client; {@link #close()} only asks it to stop.
 * The {@code drafts} and {@code assignments} partitions read are those numbered like the {@code prompts} partitions
 * owned.
 */
public final class VerifyLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    /**
     * Committed tokens between two progress snapshots of a sequence. A takeover decodes at most this many tokens
     * again per sequence; a snapshot costs a record holding the whole prefix, so shorter means more bytes
     * (a 256-token response writes 8 snapshots of 12 bytes per token, about 12 KB in all).
     */
    static final int SNAPSHOT_EVERY = 32;
    private static final Duration RESTORE_DEADLINE = Duration.ofMinutes(2);

    private final VerifyEngine engine;
    private final RequestSpecs specs;
    private final ClientSettings settings;
    private final TopicCatalogue catalogue;
    private final String groupId;
    private final String transactionalId;
    private final Clock wallClock = Clock.systemUTC();
    private final OutputRecords records = new OutputRecords(wallClock);
    private final PromptOffsets offsets = new PromptOffsets();
    private final RestoredRequests restored = new RestoredRequests();
    private final FinishedSnapshots finishedSnapshots = new FinishedSnapshots();
    private final Set<Integer> toRestore = new HashSet<>();
    private final Map<String, AdmittedRequest> admitted = new HashMap<>();
    private final Map<String, List<CompletedRollout>> held = new HashMap<>();
    private final List<List<CompletedRollout>> unsent = new ArrayList<>();
    private final Set<SequenceKey> running = new HashSet<>();
    private final Map<SequenceKey, FirstToken> firstTokens = new HashMap<>();
    private final VerifierDrafting drafting;
    private final DraftSources sources;
    private final Map<String, RolloutSpec> specsById = new HashMap<>();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meterRegistry;
    private final VerifyMetrics metrics;
    private final PhaseClock clock;
    private final AtomicLong handedOver = new AtomicLong();
    private volatile boolean open = true;
    private volatile KafkaConsumer<byte[], byte[]> promptConsumer;

    public VerifyLoop(VerifyEngine engine, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                      String groupId, String transactionalId) {
        this(engine, encoder, settings, catalogue, groupId, transactionalId, VerifierDrafting.decoupled());
    }

    /** A loop that gets its drafts as {@code drafting} says (coupled, decoupled or Fastest-of-N). */
    public VerifyLoop(VerifyEngine engine, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                      String groupId, String transactionalId, VerifierDrafting drafting) {
        this(engine, encoder, settings, catalogue, groupId, transactionalId, drafting, new SimpleMeterRegistry());
    }

    /** A loop whose {@link VerifyMetrics} and Kafka client metrics go to {@code registry}. */
    public VerifyLoop(VerifyEngine engine, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                      String groupId, String transactionalId, VerifierDrafting drafting, MeterRegistry registry) {
        this.meterRegistry = registry;
        this.metrics = new VerifyMetrics(registry);
        this.clock = new PhaseClock(metrics);
        this.drafting = drafting;
        this.sources = new DraftSources(drafting);
        this.engine = engine;
        this.specs = new RequestSpecs(encoder);
        this.settings = settings;
        this.catalogue = catalogue;
        this.groupId = groupId;
        this.transactionalId = transactionalId;
    }

    @Override
    public void run() {
        SchemaRegistry registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        Map<String, Object> transactional = settings.producer();
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        // the prompts consumer closes first: its revocation callback still moves the drafts consumer
        Map<String, Object> promptsConfig = settings.consumer(groupId, true);
        // only partitions that move are revoked, so a joining instance does not cost the others their running work
        promptsConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        Map<String, Object> restoreConfig = settings.consumer(groupId, true);
        restoreConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> draftConsumer = new KafkaConsumer<>(settings.consumer(groupId + "-drafts", false));
             KafkaConsumer<byte[], byte[]> restoreConsumer = new KafkaConsumer<>(restoreConfig);
             KafkaConsumer<byte[], byte[]> prompts = new KafkaConsumer<>(promptsConfig);
             KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(settings.producer());
             KafkaProducer<byte[], byte[]> completions = new KafkaProducer<>(transactional);
             KafkaClientMeters clientMeters = new KafkaClientMeters(meterRegistry).consumer(prompts).consumer(draftConsumer)
                     .producer(plain).producer(completions)) {
            promptConsumer = prompts;
            if (!open) {
                return;
            }
            Io io = new Io(registry, plain, completions, prompts, restoreConsumer);
            completions.initTransactions();
            prompts.subscribe(List.of(catalogue.name(Topics.PROMPTS)), new Rebalance(io, draftConsumer));
            clock.restart();
            while (open) {
                ConsumerRecords<byte[], byte[]> polled = pollPrompts(prompts);
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    if (toRestore.remove(record.partition())) {
                        restore(io, record.partition(), record.offset());
                    }
                    io.requests.decode(record).ifPresentOrElse(request -> submit(io, record, request),
                            () -> offsets.received(partitionOf(record), record.offset(), 0));
                }
                clock.charge(VerifierPhase.ADMISSION);
                if (!draftConsumer.assignment().isEmpty()) {
                    for (ConsumerRecord<byte[], byte[]> record : draftConsumer.poll(Duration.ZERO)) {
                        if (record.topic().equals(io.draftsTopic)) {
                            io.chunks.decode(record).ifPresent(chunk -> keep(io, record, chunk));
                        } else if (record.value() == null) {
                            sources.assigned(new String(record.key(), StandardCharsets.UTF_8), null);
                        } else {
                            io.assignments.decode(record).flatMap(a -> sources.assigned(a.getRequestId(), a))
                                    .ifPresent(reason -> io.deadLetters.publish(record, reason, null));
                        }
                    }
                    clock.charge(VerifierPhase.POLLING);
                }
                if (engine.hasWork()) {
                    step(io);
                }
                complete(io, engine.takeFinished());
                clock.charge(VerifierPhase.OUTPUT);
            }
        } catch (WakeupException e) {
            if (open) {
                throw e;
            }
        }
    }

    /** Polls without waiting while the engine has work (invariant 2); otherwise waits for prompts, timed as idle. */
    private ConsumerRecords<byte[], byte[]> pollPrompts(KafkaConsumer<byte[], byte[]> prompts) {
        if (engine.hasWork()) {
            try {
                return prompts.poll(Duration.ZERO);
            } finally {
                clock.charge(VerifierPhase.POLLING);
            }
        }
        long started = System.nanoTime();
        try {
            return prompts.poll(IDLE_POLL);
        } finally {
            metrics.idled(System.nanoTime() - started);
            clock.charge(VerifierPhase.WAITING);
        }
    }

    /** The prompts partitions this instance owns now (a snapshot; safe from any thread). */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** Unfinished requests this instance let go of because their partition moved to another instance. */
    public long requestsHandedOver() {
        return handedOver.get();
    }

    /** Asks {@link #run()} to stop; safe from any thread. */
    @Override
    public void close() {
        open = false;
        KafkaConsumer<byte[], byte[]> consumer = promptConsumer;
        if (consumer != null) {
            consumer.wakeup();
        }
    }

    private void submit(Io io, ConsumerRecord<byte[], byte[]> record, RolloutRequest request) {
        TopicPartition partition = partitionOf(record);
        Optional<RestoredRequest> known = restored.take(record.partition(), record.offset(), request.getRequestId());
        if (known.filter(RestoredRequest::finished).isPresent()) {
            metrics.alreadyFinished();
            offsets.received(partition, record.offset(), 0);
            return;
        }
        try {
            if (admitted.containsKey(request.getRequestId())) {
                throw new IllegalArgumentException("request " + request.getRequestId() + " is already running");
            }
            RolloutSpec spec = specs.toSpec(request);
            submitResuming(spec, known.map(RestoredRequest::prefixes).orElse(Map.of()));
            specsById.put(spec.requestId(), spec);
            admitted.put(spec.requestId(), new AdmittedRequest(request, partition, record.offset(), wallClock.millis()));
            for (int s = 0; s < spec.samples(); s++) {
                running.add(new SequenceKey(spec.requestId(), s));
            }
            offsets.received(partition, record.offset(), spec.samples());
        } catch (IllegalArgumentException e) {
            io.deadLetters.publish(record, e.getMessage(), e);
            offsets.received(partition, record.offset(), 0);
        }
    }

    /** Submits {@code spec} resuming its samples' {@code prefixes}; a prefix the engine refuses is decoded again. */
    private void submitResuming(RolloutSpec spec, Map<Integer, CommittedPrefix> prefixes) {
        if (!prefixes.isEmpty()) {
            try {
                engine.submit(spec, prefixes);
                metrics.restored(prefixes.size(), prefixes.values().stream().mapToInt(CommittedPrefix::length).sum());
                return;
            } catch (IllegalArgumentException e) {
                LOG.warn("request {}: its snapshots cannot be resumed, decoding it from the prompt: {}",
                        spec.requestId(), e.getMessage());
            }
        }
        engine.submit(spec);
    }

    /**
     * Reads the snapshots of the {@code sequences} partition numbered {@code partition}, just taken over, before its
     * first prompt record ({@code firstOffset}, the committed position) is submitted — late enough that the
     * committed offset is stable, so every transaction it depends on is settled; tombstones the snapshots the
     * committed position has passed.
     */
    private void restore(Io io, int partition, long firstOffset) {
        TopicPartition changelog = new TopicPartition(io.sequencesTopic, partition);
        for (ConsumerRecord<byte[], byte[]> record
                : TopicSnapshot.readToEnd(io.restoreConsumer, List.of(changelog), RESTORE_DEADLINE)) {
            if (record.value() != null) {
                io.snapshotRecords.decode(record).ifPresent(snapshot -> restored.add(partition, snapshot));
            }
        }
        tombstone(io, partition, restored.passed(partition, firstOffset));
    }

    private void tombstone(Io io, int partition, List<SequenceKey> keys) {
        for (SequenceKey key : keys) {
            io.plain.send(new ProducerRecord<>(io.sequencesTopic, partition, keyOf(key.toString()), null));
        }
    }

    private void snapshot(Io io, SequenceKey key, CommittedPrefix prefix) {
        AdmittedRequest request = admitted.get(key.requestId());
        RolloutSpec spec = specsById.get(key.requestId());
        io.plain.send(new ProducerRecord<>(io.sequencesTopic, request.partition().partition(), keyOf(key.toString()),
                io.snapshots.serialize(io.sequencesTopic, records.progressSnapshot(key, request.request(),
                        spec.promptIds(), prefix, request.offset()))));
    }

    private void keep(Io io, ConsumerRecord<byte[], byte[]> record, DraftChunk chunk) {
        SequenceKey key;
        DraftTail tail;
        try {
            key = new SequenceKey(chunk.getRequestId(), chunk.getSampleIndex());
            tail = new DraftTail(chunk.getDrafter(), chunk.getStartPosition(),
                    chunk.getTokens().stream().mapToInt(Integer::intValue).toArray());
        } catch (IllegalArgumentException e) {
            io.deadLetters.publish(record, "unusable draft chunk: " + e.getMessage(), e);
            return;
        }
        if (running.contains(key)) {
            sources.offered(key, tail, chunk.getDraftCostMicros());
        }
    }

    private void step(Io io) {
        long startedMs = wallClock.millis();
        long started = System.nanoTime();
        EngineTime before = engine.time();
        List<SequenceKey> joined = engine.admit();
        sources.admitted(joined, specsById);
        sources.propose(engine.activeKeys());
        List<StepOutcome> outcomes = engine.stepChoosing(sources::candidates);
        sources.stepped(outcomes);
        clock.chargeStep(before, engine.time());
        long nanos = System.nanoTime() - started;
        long micros = nanos / 1_000;
        metrics.stepped(outcomes, nanos, engine.activeCount());
        FirstToken first = new FirstToken(startedMs, wallClock.millis());
        Set<SequenceKey> snapshotDue = new LinkedHashSet<>(joined);
        for (StepOutcome outcome : outcomes) {
            int end = outcome.startPosition() + outcome.tokens().length;
            if (!outcome.finished() && end / SNAPSHOT_EVERY > outcome.startPosition() / SNAPSHOT_EVERY) {
                snapshotDue.add(outcome.key());
            }
            firstTokens.putIfAbsent(outcome.key(), first);
            byte[] key = keyOf(outcome.key().requestId());
            io.plain.send(new ProducerRecord<>(io.commitsTopic, key,
                    io.commits.serialize(io.commitsTopic, records.commit(outcome))));
            RolloutSpec spec = specsById.get(outcome.key().requestId());
            io.plain.send(new ProducerRecord<>(io.acceptanceTopic, key, io.acceptance.serialize(io.acceptanceTopic,
                    records.acceptance(outcome, outcomes.size(), micros, spec.samples(),
                            drafter -> sources.costMicros(outcome.key(), drafter)))));
        }
        for (SequenceKey key : snapshotDue) {
            engine.progress(key).ifPresent(prefix -> snapshot(io, key, prefix));
        }
    }

    /**
     * One transaction: the Rollouts and final snapshots of every request whose last sample finished, plus the prompt
     * offsets that became free. Samples of a request still running wait in {@code held}; whole requests wait in
     * {@code unsent} until a transaction with them commits. A commit the group refuses (a rebalance moved on,
     * KIP-447 fencing) or another abortable error aborts the transaction and leaves everything to the next try,
     * after the next poll has settled the rebalance; only fatal errors (fenced producer, authorization) stop the loop.
     */
    private void complete(Io io, List<CompletedRollout> done) {
        for (CompletedRollout rollout : done) {
            AdmittedRequest request = admitted.get(rollout.requestId());
            running.remove(rollout.key());
            sources.drop(rollout.key());
            held.computeIfAbsent(rollout.requestId(), id -> new ArrayList<>()).add(rollout);
            if (offsets.sampleFinished(request.partition(), request.offset())) {
                List<CompletedRollout> group = held.remove(rollout.requestId());
                group.sort(Comparator.comparingInt(CompletedRollout::sampleIndex));
                unsent.add(group);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> positions = offsets.advanced();
        if (unsent.isEmpty() && positions.isEmpty()) {
            return;
        }
        clock.charge(VerifierPhase.OUTPUT);
        try {
            if (!unsent.isEmpty()) {
                // progress snapshots go out on the plain producer: one still in flight must not land after a final
                // snapshot of the same sequence, or compaction would keep it and a takeover would redo the sequence
                io.plain.flush();
            }
            io.completions.beginTransaction();
            for (List<CompletedRollout> group : unsent) {
                send(io, group);
            }
            if (!positions.isEmpty()) {
                io.completions.sendOffsetsToTransaction(positions, io.promptConsumer.groupMetadata());
            }
            io.completions.commitTransaction();
            clock.charge(VerifierPhase.TRANSACTIONS);
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | UnsupportedVersionException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("completions of {} requests not committed, will retry: {}", unsent.size(), e.getMessage());
            io.completions.abortTransaction();
            clock.charge(VerifierPhase.TRANSACTIONS);
            return;
        }
        metrics.rolloutsCommitted(unsent.stream().mapToInt(List::size).sum());
        for (List<CompletedRollout> group : unsent) {
            String requestId = group.get(0).requestId();
            AdmittedRequest request = admitted.get(requestId);
            finishedSnapshots.committed(request.partition(), request.offset(),
                    group.stream().map(CompletedRollout::key).toList());
            admitted.remove(requestId);
            specsById.remove(requestId);
            sources.dropRequest(requestId);
            group.forEach(rollout -> firstTokens.remove(rollout.key()));
        }
        unsent.clear();
        offsets.committed(positions);
        finishedSnapshots.passed(positions).forEach((partition, keys) -> tombstone(io, partition.partition(), keys));
    }

    private void send(Io io, List<CompletedRollout> group) {
        AdmittedRequest request = admitted.get(group.get(0).requestId());
        for (CompletedRollout rollout : group) {
            byte[] key = keyOf(rollout.requestId());
            io.completions.send(new ProducerRecord<>(io.rolloutsTopic, key,
                    io.rollouts.serialize(io.rolloutsTopic, records.rollout(rollout, request.request(),
                            request.receivedAtMs(), firstTokens.get(rollout.key())))));
            io.completions.send(new ProducerRecord<>(io.sequencesTopic, request.partition().partition(),
                    keyOf(rollout.key().toString()), io.snapshots.serialize(io.sequencesTopic,
                    records.finalSnapshot(rollout, request.request(), request.offset()))));
        }
    }

    /** Drops every unfinished request read from {@code partitions}: their new owner starts them over. */
    private void release(Collection<TopicPartition> partitions) {
        for (Iterator<AdmittedRequest> it = admitted.values().iterator(); it.hasNext(); ) {
            AdmittedRequest request = it.next();
            if (partitions.contains(request.partition())) {
                String requestId = request.request().getRequestId();
                engine.cancel(requestId);
                held.remove(requestId);
                unsent.removeIf(group -> group.get(0).requestId().equals(requestId));
                specsById.remove(requestId);
                sources.dropRequest(requestId);
                for (int s = 0; s < request.request().getNSamples(); s++) {
                    SequenceKey key = new SequenceKey(requestId, s);
                    running.remove(key);
                    sources.drop(key);
                    firstTokens.remove(key);
                }
                it.remove();
                handedOver.incrementAndGet();
            }
        }
        for (TopicPartition partition : partitions) {
            offsets.forget(partition);
            finishedSnapshots.forget(partition);
            restored.forget(partition.partition());
            toRestore.remove(partition.partition());
        }
        metrics.activeSequences(engine.activeCount());
    }

    private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    private static byte[] keyOf(String requestId) {
        return requestId.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * On revocation, first commits what finished, then lets go of the rest ({@link #release}); the drafts partitions
     * followed are those numbered like the prompts partitions owned (same request-id key).
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Io io;
        private final KafkaConsumer<byte[], byte[]> draftConsumer;

        Rebalance(Io io, KafkaConsumer<byte[], byte[]> draftConsumer) {
            this.io = io;
            this.draftConsumer = draftConsumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> toRestore.add(partition.partition()));
            follow(partitions, true);
            owned.addAll(partitions.stream().map(TopicPartition::partition).toList());
            LOG.info("prompts partitions owned: {}", new TreeSet<>(owned));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                complete(io, engine.takeFinished());
                release(partitions);
            }
            follow(partitions, false);
            owned.removeAll(partitions.stream().map(TopicPartition::partition).toList());
            LOG.info("prompts partitions owned: {}", new TreeSet<>(owned));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // the group moved on without us: nothing may be committed for these any more
            release(partitions);
            follow(partitions, false);
            owned.removeAll(partitions.stream().map(TopicPartition::partition).toList());
        }

        private void follow(Collection<TopicPartition> changed, boolean add) {
            Set<TopicPartition> assigned = new HashSet<>(draftConsumer.assignment());
            Set<TopicPartition> freshDrafts = new HashSet<>();
            Set<TopicPartition> freshAssignments = new HashSet<>();
            for (TopicPartition partition : changed) {
                if (drafting.readsDraftsTopic()) {
                    followOne(assigned, freshDrafts, new TopicPartition(io.draftsTopic, partition.partition()), add);
                }
                if (drafting.followsAssignments()) {
                    followOne(assigned, freshAssignments,
                            new TopicPartition(io.assignmentsTopic, partition.partition()), add);
                }
            }
            draftConsumer.assign(assigned);
            // older chunks are hints for sequences this instance did not run yet: nothing to gain from them
            draftConsumer.seekToEnd(freshDrafts);
            // assignments are compacted state: a request taken over keeps the selector's choice
            draftConsumer.seekToBeginning(freshAssignments);
        }

        private void followOne(Set<TopicPartition> assigned, Set<TopicPartition> fresh, TopicPartition partition,
                               boolean add) {
            if (add && assigned.add(partition)) {
                fresh.add(partition);
            } else if (!add) {
                assigned.remove(partition);
            }
        }
    }

    /** The clients and codecs of one run. */
    private final class Io {
        final KafkaProducer<byte[], byte[]> plain;
        final KafkaProducer<byte[], byte[]> completions;
        final KafkaConsumer<byte[], byte[]> promptConsumer;
        final DeadLetterPublisher deadLetters;
        final RecordDecoder<RolloutRequest> requests;
        final RecordDecoder<DraftChunk> chunks;
        final RecordDecoder<DrafterAssignment> assignments;
        final RecordDecoder<SequenceSnapshot> snapshotRecords;
        final KafkaConsumer<byte[], byte[]> restoreConsumer;
        final Serializer<CommitUpdate> commits;
        final Serializer<AcceptanceEvent> acceptance;
        final Serializer<Rollout> rollouts;
        final Serializer<SequenceSnapshot> snapshots;
        final String commitsTopic = catalogue.name(Topics.COMMITS);
        final String draftsTopic = catalogue.name(Topics.DRAFTS);
        final String assignmentsTopic = catalogue.name(Topics.ASSIGNMENTS);
        final String acceptanceTopic = catalogue.name(Topics.ACCEPTANCE);
        final String rolloutsTopic = catalogue.name(Topics.ROLLOUTS);
        final String sequencesTopic = catalogue.name(Topics.SEQUENCES);

        Io(SchemaRegistry registry, KafkaProducer<byte[], byte[]> plain, KafkaProducer<byte[], byte[]> completions,
           KafkaConsumer<byte[], byte[]> promptConsumer, KafkaConsumer<byte[], byte[]> restoreConsumer) {
            this.plain = plain;
            this.restoreConsumer = restoreConsumer;
            this.completions = completions;
            this.promptConsumer = promptConsumer;
            this.deadLetters = new DeadLetterPublisher(plain, Topics.DEAD_LETTERS.valueSerde(registry).serializer(),
                    catalogue, wallClock);
            this.requests = new RecordDecoder<>(Topics.PROMPTS.valueSerde(registry).deserializer(), deadLetters);
            this.chunks = new RecordDecoder<>(Topics.DRAFTS.valueSerde(registry).deserializer(), deadLetters);
            this.assignments = new RecordDecoder<>(Topics.ASSIGNMENTS.valueSerde(registry).deserializer(), deadLetters);
            this.snapshotRecords = new RecordDecoder<>(Topics.SEQUENCES.valueSerde(registry).deserializer(), deadLetters);
            this.commits = Topics.COMMITS.valueSerde(registry).serializer();
            this.acceptance = Topics.ACCEPTANCE.valueSerde(registry).serializer();
            this.rollouts = Topics.ROLLOUTS.valueSerde(registry).serializer();
            this.snapshots = Topics.SEQUENCES.valueSerde(registry).serializer();
        }
    }
}
