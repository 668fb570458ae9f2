package io.specstream.draft.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.contract.AssignmentBook;
import io.specstream.contract.DrafterPool;
import io.specstream.contract.PolicyFeed;
import io.specstream.contract.RequestTerms;
import io.specstream.contract.SequenceKey;
import io.specstream.draft.ModelDrafter;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.avro.DraftHeartbeat;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.ConsumerGroups;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.metrics.KafkaClientMeters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The draft-ahead loop of draft-service (DESIGN invariant 4): follows every sequence of the partitions it owns
 * ({@link SequenceMirrors}), hands the verifier's commits to its drafters ({@link TailSource}s: draft models running
 * ahead, model-free lookups, driven together by a {@link DrafterPool}), and after each poll lets every drafter draft
 * for the sequences it runs for, publishing the round's tails as one {@code DraftBatch} per partition. It never
 * waits for the verifier: with tails left to grow it polls with timeout 0, at most every 2 ms ({@link PollPace}).
 *
 * <p>Which drafters run for a sequence is the selector's call (Fastest-of-N): the loop also reads the compacted
 * {@code assignments} topic and runs the drafters a request's assignment lists, all of them until one arrives.
 * About once a second it publishes a {@link DraftHeartbeat} with the share of time it spent drafting.
 *
 * <p>Commits carry no prompt, so the loop also reads {@code prompts} (same partition number), encoding them with
 * {@link RequestTerms} exactly as the verifier does, and the verifier's snapshots on {@code sequences}: a snapshot of
 * a sequence not followed opens it at the snapshot's committed tokens, one of a followed sequence is applied as a
 * commit from position 0 (it agrees, or adds what a lost commit carried), a final one ends it. It commits no offsets;
 * what happens when partitions move is {@link MirrorRestore}'s.
 *
 * <pre>{@code
 * DraftLoop loop = new DraftLoop(List.of(TailSource.runAhead(draftSmall), TailSource.lookup(ngram, 8)),
 *         encoder, settings, catalogue, ConsumerGroups.DRAFT);
 * new Thread(loop).start();   // run() until close()
 * loop.close();
 * }</pre>
 */
public final class DraftLoop implements Runnable, AutoCloseable {

    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    /**
     * A tail is published when its length is a multiple of this. Every chunk costs the verifier a decode on its own
     * device's host; a chunk one token longer than the last saves at most one verify step. Publishing every second
     * token halved the chunks and raised decoupled throughput from 832 to 1,135 tokens/s on the shipped prompts
     * (tools/bench/pinned-pipeline.sh decoupled 64, one core each), with acceptance per drafted step unchanged (1.98).
     */
    static final int PUBLISH_EVERY = 2;
    private static final long HEARTBEAT_MS = 1_000;
    /** The verify-service group whose committed prompt offsets a draft instance starts from by default. */
    public static final String DEFAULT_VERIFY_GROUP = ConsumerGroups.VERIFY;

    private final DrafterPool<TailSource> pool;
    private final AssignmentBook assignments = new AssignmentBook();
    private final SequenceMirrors mirrors;
    private final PromptEncoder encoder;
    private final ClientSettings settings;
    private final TopicCatalogue catalogue;
    private final String instanceId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaConsumer<byte[], byte[]> restoreConsumer;
    private final String verifyGroupId;
    private final MeterRegistry meterRegistry;
    private final DraftMetrics metrics;
    private volatile Runnable onLoopThread = () -> { };
    /** Swaps in new policy versions' draft models; absent: the models stay those it started with. */
    private volatile Optional<DraftModelSwitch> modelSwitch = Optional.empty();
    private volatile MirrorRestore restore;
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

    /** As above, following the prompt offsets committed by the verify-service group {@code verifyGroupId}. */
    public DraftLoop(List<TailSource> drafters, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                     String groupId, String verifyGroupId, MeterRegistry registry) {
        if (drafters.isEmpty()) {
            throw new IllegalArgumentException("a draft loop needs at least one drafter");
        }
        if (drafters.stream().map(TailSource::name).distinct().count() != drafters.size()) {
            throw new IllegalArgumentException("drafter names must be distinct: "
                    + drafters.stream().map(TailSource::name).toList());
        }
        this.pool = new DrafterPool<>(drafters);
        this.mirrors = new SequenceMirrors(pool, assignments);
        this.meterRegistry = registry;
        this.metrics = new DraftMetrics(registry, drafters.stream().map(TailSource::name).toList());
        this.encoder = encoder;
        this.settings = settings;
        this.catalogue = catalogue;
        this.instanceId = groupId + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> config = settings.consumer(groupId, false);
        // prompts, commits and assignments partition p must land on the same instance: the range assignor pairs
        // equal numbers
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(config);
        Map<String, Object> restoreConfig = settings.consumer(groupId, true);
        restoreConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.restoreConsumer = new KafkaConsumer<>(restoreConfig);
        this.verifyGroupId = verifyGroupId;
    }

    /**
     * Runs {@code setup} on the loop's thread once its producer is up, before the first poll — e.g. to pin the thread
     * to a core, which the producer's own thread, started earlier, does not inherit.
     */
    public DraftLoop onLoopThread(Runnable setup) {
        this.onLoopThread = setup;
        return this;
    }

    /** Follows the {@code policies} topic, drafting with each new version's draft models ({@code modelSwitch}). */
    public DraftLoop followPolicies(DraftModelSwitch modelSwitch) {
        this.modelSwitch = Optional.of(modelSwitch);
        return this;
    }

    @Override
    public void run() {
        SchemaRegistry registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        DraftRecords records = new DraftRecords(catalogue, registry, Clock.systemUTC());
        String prompts = catalogue.name(Topics.PROMPTS);
        String commits = catalogue.name(Topics.COMMITS);
        String sequences = catalogue.name(Topics.SEQUENCES);
        try (Admin admin = Admin.create(settings.admin());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producer());
             KafkaClientMeters clientMeters = new KafkaClientMeters(meterRegistry).consumer(consumer).producer(producer);
             PolicyFeed policies = modelSwitch.map(models -> new PolicyFeed(settings, catalogue, registry,
                     records.deadLetters(producer), models::published, models::loadNewest)).orElse(null)) {
            DraftInput input = new DraftInput(registry, records.deadLetters(producer), encoder);
            restore = new MirrorRestore(consumer, restoreConsumer, admin, verifyGroupId,
                    new MirrorRestore.FollowedTopics(prompts, commits, sequences), input,
                    (snapshot, partition) -> follow(input, snapshot, partition), mirrors, metrics);
            consumer.subscribe(List.of(prompts, commits, catalogue.name(Topics.ASSIGNMENTS), sequences), restore);
            if (policies != null) {
                policies.catchUp();
                policies.start();
            }
            onLoopThread.run();
            LoadMeter load = new LoadMeter(HEARTBEAT_MS, System.nanoTime());
            PollPace pace = new PollPace();
            boolean drafting = false;
            while (running) {
                if (modelSwitch.isPresent() && modelSwitch.get().apply()) {
                    metrics.draftModelsOf(modelSwitch.get().appliedVersion());
                }
                ConsumerRecords<byte[], byte[]> polled = pace.due(drafting, System.nanoTime())
                        ? consumer.poll(drafting ? Duration.ZERO : IDLE_POLL) : ConsumerRecords.empty();
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    if (record.topic().equals(prompts)) {
                        input.prompt(record).ifPresent(prompted -> prompted.keys().forEach(key ->
                                mirrors.prompted(key, prompted.terms(), record.partition(), record.offset())));
                    } else if (record.topic().equals(commits)) {
                        input.commits(record).forEach(commit ->
                                mirrors.committed(commit.key(), commit.delta(), record.partition()));
                    } else if (record.topic().equals(sequences)) {
                        if (record.value() != null) {
                            input.snapshot(record).ifPresent(snapshot -> follow(input, snapshot, record.partition()));
                        }
                    } else if (record.value() == null) {
                        assignments.apply(input.key(record), null);
                    } else {
                        input.assignment(record).ifPresent(a -> assignments.apply(a.getRequestId(), a));
                    }
                }
                long started = System.nanoTime();
                drafting = draftRound(producer, records);
                long now = System.nanoTime();
                load.busy(now - started);
                metrics.busy(now - started);
                metrics.following(mirrors.followed());
                load.tick(now).ifPresent(interval -> producer.send(records.heartbeat(heartbeat(interval))));
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close();
            restoreConsumer.close();
        }
    }

    /** Lets every drafter draft for its sequences; publishes one batch per partition; true while work is left. */
    private boolean draftRound(KafkaProducer<byte[], byte[]> producer, DraftRecords records) {
        boolean workLeft = false;
        Map<Integer, List<DraftRecords.Published>> byPartition = new TreeMap<>();
        for (TailSource drafter : pool.drafters()) {
            TailSource.Drafted drafted = drafter.draft(mirrors.runFor(drafter.name()));
            drafted.tails().forEach((key, tail) -> {
                byPartition.computeIfAbsent(mirrors.partitionOf(key), p -> new ArrayList<>()).add(
                        new DraftRecords.Published(key, tail, drafted.costMicros().getOrDefault(key, 0L)));
                metrics.published(tail);
            });
            workLeft |= drafted.workLeft();
        }
        byPartition.forEach((partition, tails) -> producer.send(records.batch(partition, tails)));
        return workLeft;
    }

    /**
     * A verifier's snapshot of a sequence: a final one ends it here; a running one opens it if it is not followed and
     * is applied as a commit of its whole prefix. True when it opened a mirror.
     */
    private boolean follow(DraftInput input, SequenceSnapshot snapshot, int partition) {
        Optional<SequenceKey> key = DraftInput.keyOf(snapshot);
        if (key.isEmpty()) {
            return false;
        }
        if (snapshot.getFinished()) {
            mirrors.ended(key.get());
            return false;
        }
        boolean opened = false;
        if (!mirrors.follows(key.get())) {
            Optional<RequestTerms> terms = Optional.ofNullable(snapshot.getRequest()).flatMap(input::prompted)
                    .map(DraftInput.Prompted::terms);
            if (terms.isEmpty() || !mirrors.open(key.get(), terms.get(), partition)) {
                return false;
            }
            opened = true;
        }
        mirrors.committed(key.get(), DraftInput.prefixOf(snapshot), partition);
        return opened;
    }

    /** The partition numbers (of prompts and commits) this instance owns now; safe from any thread. */
    public Set<Integer> ownedPartitions() {
        MirrorRestore current = restore;
        return current == null ? Set.of() : current.owned();
    }

    /** Stops {@link #run()} after its current iteration; safe from any thread. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }

    private DraftHeartbeat heartbeat(LoadMeter.Interval interval) {
        return DraftHeartbeat.newBuilder()
                .setInstanceId(instanceId)
                .setDrafters(pool.drafters().stream().map(TailSource::name).toList())
                .setSequences(mirrors.followed())
                .setBusyFraction(interval.busyFraction())
                .setIntervalMs(interval.intervalMs())
                .setTimestampMs(System.currentTimeMillis())
                .build();
    }
}
