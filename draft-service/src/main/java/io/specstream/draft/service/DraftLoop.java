package io.specstream.draft.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.draft.DraftTail;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.SequenceKey;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.CommitUpdate;
import io.specstream.schemas.avro.DraftChunk;
import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.schemas.avro.DrafterAssignment;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.client.TopicSnapshot;
import io.specstream.topology.deadletter.DeadLetterPublisher;
import io.specstream.topology.deadletter.RecordDecoder;
import io.specstream.topology.metrics.KafkaClientMeters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The draft-ahead loop of draft-service (DESIGN invariant 4): follows every sequence of the partitions it owns,
 * applies the verifier's commits to each of its drafters ({@link TailSource}s: draft models running ahead, model-free
 * lookups), and after each poll lets every drafter draft for the sequences it runs for, publishing tails as
 * {@link DraftChunk}s. It never waits for the verifier: with tails left to grow it polls with timeout 0.
 *
 * <p>Which drafters run for a sequence is the selector's call (Fastest-of-N): the loop also reads the compacted
 * {@code assignments} topic and runs the drafters a request's assignment lists, all of them until one arrives.
 * About once a second it publishes a {@link DraftHeartbeat} with the share of time it spent drafting.
 * {@link DraftMetrics} measures what it publishes; its Kafka clients' own metrics go to the same registry.
 *
 * <p>Commits carry no prompt, so the loop also reads {@code prompts} (same partition number) and encodes them with
 * {@link RequestTerms}, exactly as the verifier does, and the verifier's snapshots on {@code sequences} (written at
 * admission and every few dozen tokens, with the request): a snapshot of a sequence not followed opens its mirror
 * at the snapshot's committed tokens, one of a followed sequence is applied as a commit from position 0 (it agrees,
 * or adds what a lost commit carried), a final one ends it. A commit that arrives before its prompt waits in a
 * buffer and is replayed when the sequence is opened.
 *
 * <p>The loop commits no offsets. When partitions are assigned to it (a start, a restart, a rebalance) it reads
 * their {@code sequences} partitions to the end and rebuilds a mirror for every running sequence there. Then, where
 * the verify group has committed prompt offsets (everything before them is rolled out), it reads {@code prompts}
 * from there, skipping sequences it rebuilt or saw finish, and {@code commits} from a second before the oldest
 * snapshot it rebuilt from (every later commit of those sequences is seen; older ones overlap the snapshot), or
 * from their end when none runs — so a restart costs the sequences in flight, not the topics' history. With no
 * offsets committed by the verify group yet, both are read from the start.
 *
 * <pre>{@code
 * DraftLoop loop = new DraftLoop(List.of(TailSource.runAhead(draftSmall), TailSource.lookup(ngram, 8)),
 *         encoder, settings, catalogue, "draft-service");
 * new Thread(loop).start();   // run() until close()
 * loop.close();
 * }</pre>
 */
public final class DraftLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DraftLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    /**
     * A tail is published when its length is a multiple of this. Every chunk costs the verifier a decode on its own
     * device's host; a chunk one token longer than the last saves at most one verify step. Publishing every second
     * token halved the chunks and raised decoupled throughput from 832 to 1,135 tokens/s on the shipped prompts
     * (tools/bench/pinned-pipeline.sh decoupled 64, one core each), with acceptance per drafted step unchanged (1.98).
     */
    static final int PUBLISH_EVERY = 2;

    private static final long HEARTBEAT_MS = 1_000;
    /** Commits are re-read from this long before a restored snapshot was written: same clock, later in its loop. */
    private static final long COMMIT_REPLAY_MARGIN_MS = 1_000;
    private static final Duration RESTORE_DEADLINE = Duration.ofMinutes(2);
    /** The verify-service group whose committed prompt offsets a draft instance starts from by default. */
    public static final String DEFAULT_VERIFY_GROUP = "verify-service";

    private final List<TailSource> drafters;
    private final PromptEncoder encoder;
    private final ClientSettings settings;
    private final TopicCatalogue catalogue;
    private final String promptsTopic;
    private final String commitsTopic;
    private final String draftsTopic;
    private final String assignmentsTopic;
    private final String heartbeatsTopic;
    private final String sequencesTopic;
    private final String instanceId;
    private final AssignmentBook assignments = new AssignmentBook();
    private final Map<SequenceKey, Integer> followed = new LinkedHashMap<>(); // → partition of its request
    private final Map<SequenceKey, List<CommitUpdate>> early = new HashMap<>();
    private final Map<SequenceKey, Integer> earlyPartitions = new HashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<byte[], byte[]> restoreConsumer;
    private final String verifyGroupId;
    private final Admin admin;
    private final Map<SequenceKey, Long> seenFinished = new HashMap<>(); // → offset of the prompt that finished
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final MeterRegistry meterRegistry;
    private final DraftMetrics metrics;
    private volatile boolean running = true;

    /** The decoupled slice: one draft model. */
    public DraftLoop(ModelDrafter drafter, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                     String groupId) {
        this(List.of(TailSource.runAhead(drafter)), encoder, settings, catalogue, groupId);
    }

    /** Several drafters (distinct names), each run for the sequences the selector assigns it. */
    public DraftLoop(List<TailSource> drafters, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                     String groupId) {
        this(drafters, encoder, settings, catalogue, groupId, new SimpleMeterRegistry());
    }

    /** As above, with {@link DraftMetrics} and the Kafka clients' metrics in {@code registry}. */
    public DraftLoop(List<TailSource> drafters, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                     String groupId, MeterRegistry registry) {
        this(drafters, encoder, settings, catalogue, groupId, DEFAULT_VERIFY_GROUP, registry);
    }

    /**
     * As above, following the prompt offsets committed by the verify-service group {@code verifyGroupId} when its
     * partitions are assigned (see the class comment).
     */
    public DraftLoop(List<TailSource> drafters, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                     String groupId, String verifyGroupId, MeterRegistry registry) {
        if (drafters.isEmpty()) {
            throw new IllegalArgumentException("a draft loop needs at least one drafter");
        }
        if (drafters.stream().map(TailSource::name).distinct().count() != drafters.size()) {
            throw new IllegalArgumentException("drafter names must be distinct: "
                    + drafters.stream().map(TailSource::name).toList());
        }
        this.drafters = List.copyOf(drafters);
        this.meterRegistry = registry;
        this.metrics = new DraftMetrics(registry, drafters.stream().map(TailSource::name).toList());
        this.encoder = encoder;
        this.settings = settings;
        this.catalogue = catalogue;
        this.promptsTopic = catalogue.name(Topics.PROMPTS);
        this.commitsTopic = catalogue.name(Topics.COMMITS);
        this.draftsTopic = catalogue.name(Topics.DRAFTS);
        this.assignmentsTopic = catalogue.name(Topics.ASSIGNMENTS);
        this.heartbeatsTopic = catalogue.name(Topics.HEARTBEATS);
        this.sequencesTopic = catalogue.name(Topics.SEQUENCES);
        this.instanceId = groupId + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> config = settings.consumer(groupId, false);
        // prompts, commits and assignments partition p must land on the same instance: the range assignor pairs
        // equal numbers
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(config);
        Map<String, Object> restoreConfig = settings.consumer(groupId, true);
        restoreConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.restoreConsumer = new KafkaConsumer<>(restoreConfig);
        this.admin = Admin.create(settings.admin());
        this.verifyGroupId = verifyGroupId;
    }

    @Override
    public void run() {
        SchemaRegistry registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer());
             KafkaClientMeters clientMeters = new KafkaClientMeters(meterRegistry).consumer(consumer).producer(producer)) {
            DeadLetterPublisher deadLetters = new DeadLetterPublisher(producer,
                    Topics.DEAD_LETTERS.valueSerde(registry).serializer(), catalogue, Clock.systemUTC());
            RecordDecoder<RolloutRequest> requests =
                    new RecordDecoder<>(Topics.PROMPTS.valueSerde(registry).deserializer(), deadLetters);
            RecordDecoder<CommitUpdate> commits =
                    new RecordDecoder<>(Topics.COMMITS.valueSerde(registry).deserializer(), deadLetters);
            RecordDecoder<DrafterAssignment> assigned =
                    new RecordDecoder<>(Topics.ASSIGNMENTS.valueSerde(registry).deserializer(), deadLetters);
            RecordDecoder<SequenceSnapshot> snapshots =
                    new RecordDecoder<>(Topics.SEQUENCES.valueSerde(registry).deserializer(), deadLetters);
            Serializer<DraftChunk> chunks = Topics.DRAFTS.valueSerde(registry).serializer();
            Serializer<DraftHeartbeat> heartbeats = Topics.HEARTBEATS.valueSerde(registry).serializer();
            consumer.subscribe(List.of(promptsTopic, commitsTopic, assignmentsTopic, sequencesTopic),
                    new LetGo(snapshots));
            LoadMeter load = new LoadMeter(HEARTBEAT_MS, System.nanoTime());
            boolean drafting = false;
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(drafting ? Duration.ZERO : IDLE_POLL)) {
                    if (record.topic().equals(promptsTopic)) {
                        requests.decode(record).ifPresent(request -> follow(request, record.partition(), record.offset()));
                    } else if (record.topic().equals(commitsTopic)) {
                        commits.decode(record).ifPresent(commit -> apply(commit, record.partition()));
                    } else if (record.topic().equals(sequencesTopic)) {
                        if (record.value() != null) {
                            snapshots.decode(record).ifPresent(snapshot -> restore(snapshot, record.partition()));
                        }
                    } else if (record.value() == null) {
                        assignments.apply(new String(record.key(), StandardCharsets.UTF_8), null);
                    } else {
                        assigned.decode(record).ifPresent(a -> assignments.apply(a.getRequestId(), a));
                    }
                }
                long started = System.nanoTime();
                drafting = false;
                for (TailSource drafter : drafters) {
                    List<SequenceKey> keys = followed.keySet().stream()
                            .filter(key -> assignments.runs(key.requestId(), drafter.name())).toList();
                    TailSource.Drafted drafted = drafter.draft(keys);
                    drafted.tails().forEach((key, tail) ->
                            publish(producer, chunks, key, tail, drafted.costMicros().getOrDefault(key, 0L)));
                    drafting |= drafted.workLeft();
                }
                long now = System.nanoTime();
                load.busy(now - started);
                metrics.busy(now - started);
                metrics.following(followed.size());
                load.tick(now).ifPresent(interval -> producer.send(new ProducerRecord<>(heartbeatsTopic,
                        instanceId.getBytes(StandardCharsets.UTF_8),
                        heartbeats.serialize(heartbeatsTopic, heartbeat(interval)))));
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close();
            restoreConsumer.close();
            admin.close();
        }
    }

    /** The partition numbers (of prompts and commits) this instance owns now; safe from any thread. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** Stops {@link #run()} after its current iteration; safe from any thread. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }

    private void follow(RolloutRequest request, int partition, long offset) {
        RequestTerms terms;
        try {
            terms = RequestTerms.of(request, encoder);
        } catch (IllegalArgumentException e) {
            return; // the verifier reports bad requests as dead letters; there is nothing to draft for
        }
        for (int s = 0; s < terms.samples(); s++) {
            SequenceKey key = new SequenceKey(request.getRequestId(), s);
            if (!followed.containsKey(key) && !seenFinished.remove(key, offset)) {
                open(key, terms, partition);
            }
        }
    }

    /** Opens every drafter's mirror of {@code key} and replays the commits that came before; false if none could. */
    private boolean open(SequenceKey key, RequestTerms terms, int partition) {
        try {
            for (TailSource drafter : drafters) {
                drafter.open(key, terms.promptIds(), terms.sampling(), terms.seed());
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot draft for {}: {}", key, e.getMessage());
            drafters.forEach(drafter -> drafter.forget(key));
            return false;
        }
        followed.put(key, partition);
        List<CommitUpdate> waiting = early.remove(key);
        earlyPartitions.remove(key);
        if (waiting != null) {
            waiting.forEach(commit -> apply(commit, partition));
        }
        return true;
    }

    /**
     * A verifier's snapshot of a sequence: a final one ends it here; a running one opens it if it is not followed
     * and is applied as a commit of its whole prefix. True when it opened a mirror.
     */
    private boolean restore(SequenceSnapshot snapshot, int partition) {
        SequenceKey key;
        try {
            key = new SequenceKey(snapshot.getRequestId(), snapshot.getSampleIndex());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (snapshot.getFinished()) {
            if (followed.containsKey(key)) {
                forget(key);
            }
            early.remove(key);
            earlyPartitions.remove(key);
            return false;
        }
        boolean opened = false;
        if (!followed.containsKey(key)) {
            if (snapshot.getRequest() == null) {
                return false;
            }
            try {
                opened = open(key, RequestTerms.of(snapshot.getRequest(), encoder), partition);
            } catch (IllegalArgumentException e) {
                return false;
            }
            if (!opened) {
                return false;
            }
        }
        apply(CommitUpdate.newBuilder().setRequestId(key.requestId()).setSampleIndex(key.sampleIndex())
                .setStartPosition(0).setTokens(snapshot.getCommittedTokenIds())
                .setCommittedLength(snapshot.getCommittedTokenIds().size()).setFinished(false).build(), partition);
        return opened;
    }

    private void apply(CommitUpdate commit, int partition) {
        SequenceKey key = new SequenceKey(commit.getRequestId(), commit.getSampleIndex());
        if (!followed.containsKey(key)) {
            if (commit.getFinished()) {
                early.remove(key);
                earlyPartitions.remove(key);
            } else {
                early.computeIfAbsent(key, k -> new ArrayList<>()).add(commit);
                earlyPartitions.put(key, partition);
            }
            return;
        }
        int[] tokens = commit.getTokens().stream().mapToInt(Integer::intValue).toArray();
        try {
            for (TailSource drafter : drafters) {
                drafter.onCommitted(key, commit.getStartPosition(), tokens);
            }
        } catch (IllegalArgumentException e) {
            // a gap or a contradiction: this mirror lost track of the truth, so it stops drafting for the sequence
            LOG.warn("dropping {}: {}", key, e.getMessage());
            forget(key);
            return;
        }
        if (commit.getFinished()) {
            forget(key);
        }
    }

    private void forget(SequenceKey key) {
        drafters.forEach(drafter -> drafter.forget(key));
        followed.remove(key);
        if (followed.keySet().stream().noneMatch(other -> other.requestId().equals(key.requestId()))) {
            assignments.forget(key.requestId());
        }
    }

    private DraftHeartbeat heartbeat(LoadMeter.Interval interval) {
        return DraftHeartbeat.newBuilder()
                .setInstanceId(instanceId)
                .setDrafters(drafters.stream().map(TailSource::name).toList())
                .setSequences(followed.size())
                .setBusyFraction(interval.busyFraction())
                .setIntervalMs(interval.intervalMs())
                .setTimestampMs(System.currentTimeMillis())
                .build();
    }

    /**
     * A partition that moves takes its sequences along: this instance stops drafting for them, and the new owner
     * reads their prompts and commits from the start of what it has not committed (this loop commits no offsets).
     */
    private final class LetGo implements ConsumerRebalanceListener {

        private final RecordDecoder<SequenceSnapshot> snapshots;

        LetGo(RecordDecoder<SequenceSnapshot> snapshots) {
            this.snapshots = snapshots;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<Integer> numbers = new TreeSet<>();
            partitions.forEach(partition -> numbers.add(partition.partition()));
            Map<TopicPartition, OffsetAndMetadata> rolledOut = verifyCommitted();
            for (int number : numbers) {
                rebuild(number, partitions, rolledOut);
            }
            owned.addAll(numbers);
            LOG.info("partitions owned: {}", new TreeSet<>(owned));
        }

        /**
         * Mirrors of partition {@code number}'s running sequences from its snapshots; positions to go on from, given
         * the verify group's committed prompt offsets {@code rolledOut}.
         */
        private void rebuild(int number, Collection<TopicPartition> assigned,
                             Map<TopicPartition, OffsetAndMetadata> rolledOut) {
            TopicPartition changelog = new TopicPartition(sequencesTopic, number);
            TopicPartition prompts = new TopicPartition(promptsTopic, number);
            TopicPartition commits = new TopicPartition(commitsTopic, number);
            if (!assigned.containsAll(List.of(changelog, prompts, commits))) {
                // topics with other partition counts than the catalogue's: follow them from where the group reset
                LOG.warn("partition {} of {}, {} and {} did not come together; not restoring it", number,
                        sequencesTopic, promptsTopic, commitsTopic);
                return;
            }
            Map<String, SequenceSnapshot> latest = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> record
                    : TopicSnapshot.readToEnd(restoreConsumer, List.of(changelog), RESTORE_DEADLINE)) {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    latest.remove(key);
                } else {
                    snapshots.decode(record).ifPresent(snapshot -> latest.put(key, snapshot));
                }
            }
            long oldest = Long.MAX_VALUE;
            int rebuilt = 0;
            for (SequenceSnapshot snapshot : latest.values()) {
                if (snapshot.getFinished()) {
                    seenFinished.put(new SequenceKey(snapshot.getRequestId(), snapshot.getSampleIndex()),
                            snapshot.getPromptOffset());
                } else if (restore(snapshot, number)) {
                    rebuilt++;
                    oldest = Math.min(oldest, snapshot.getUpdatedAtMs());
                }
            }
            metrics.restored(rebuilt);
            consumer.seek(changelog, restoreConsumer.position(changelog));
            OffsetAndMetadata promptsDone = rolledOut.get(prompts);
            if (promptsDone == null) {
                return; // the verifier committed nothing here yet: everything may be in flight, read from the start
            }
            consumer.seek(prompts, promptsDone.offset());
            OffsetAndTimestamp replayFrom = oldest == Long.MAX_VALUE ? null
                    : consumer.offsetsForTimes(Map.of(commits, oldest - COMMIT_REPLAY_MARGIN_MS)).get(commits);
            if (replayFrom == null) {
                consumer.seekToEnd(List.of(commits));
            } else {
                consumer.seek(commits, replayFrom.offset());
            }
        }

        /** The verify group's committed offsets, read once per assignment; none if they cannot be read. */
        private Map<TopicPartition, OffsetAndMetadata> verifyCommitted() {
            try {
                return admin.listConsumerGroupOffsets(verifyGroupId).partitionsToOffsetAndMetadata()
                        .get(RESTORE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("cannot read the prompt offsets of group {}, reading prompts from the start: {}",
                        verifyGroupId, e.getMessage());
                return Map.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Map.of();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<Integer> numbers = new HashSet<>();
            partitions.forEach(partition -> numbers.add(partition.partition()));
            owned.removeAll(numbers);
            seenFinished.clear();
            List.copyOf(followed.entrySet()).stream().filter(entry -> numbers.contains(entry.getValue()))
                    .forEach(entry -> forget(entry.getKey()));
            earlyPartitions.entrySet().removeIf(entry -> {
                boolean moved = numbers.contains(entry.getValue());
                if (moved) {
                    early.remove(entry.getKey());
                }
                return moved;
            });
        }
    }

    private void publish(KafkaProducer<byte[], byte[]> producer, Serializer<DraftChunk> chunks, SequenceKey key,
                         DraftTail tail, long costMicros) {
        List<Integer> tokens = new ArrayList<>(tail.tokens().length);
        for (int token : tail.tokens()) {
            tokens.add(token);
        }
        DraftChunk chunk = DraftChunk.newBuilder()
                .setRequestId(key.requestId())
                .setSampleIndex(key.sampleIndex())
                .setDrafter(tail.drafter())
                .setStartPosition(tail.startPosition())
                .setTokens(tokens)
                .setBaseCommittedLength(tail.startPosition())
                .setCreatedAtMs(System.currentTimeMillis())
                .setDraftCostMicros(costMicros)
                .build();
        producer.send(new ProducerRecord<>(draftsTopic, key.requestId().getBytes(StandardCharsets.UTF_8),
                chunks.serialize(draftsTopic, chunk)));
        metrics.published(tail);
    }
}
