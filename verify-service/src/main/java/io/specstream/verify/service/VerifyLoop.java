package io.specstream.verify.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.contract.PolicyFeed;
import io.specstream.contract.SequenceKey;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.ConsumerGroups;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.metrics.KafkaClientMeters;
import io.specstream.verify.CompletedRollout;
import io.specstream.verify.DrafterCost;
import io.specstream.verify.EngineTime;
import io.specstream.verify.StepOutcome;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.policy.PolicyConfig;
import io.specstream.verify.policy.PolicyEngines;
import io.specstream.verify.policy.PolicyModel;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The verifier's step thread: prompts in, one engine step after another, hand-offs out. It only decodes — admission,
 * draft choice, the forward, acceptance — and hands immutable values to {@link VerifyOutput}, whose thread owns the
 * producers, serializes, sends and commits the transactions (DESIGN invariant 5), so a step never waits for Kafka.
 *
 * <p>Each iteration: poll {@code prompts} (read_committed; offsets committed only through the completion
 * transactions) without waiting while the engine has work (invariant 2) and admit what came ({@link PromptAdmission});
 * take in hints ({@link HintIntake}); step the engine with every sequence's candidates ({@link DraftSources}); hand the
 * step's outcomes and due snapshots to the I/O side; hand every request whose samples all finished, with the prompt
 * offsets it frees, to the I/O side as one completion ({@link RequestBook}). A sequence's snapshot goes out when it
 * is admitted and every {@value #SNAPSHOT_EVERY} committed tokens (a takeover resumes there), its final one with
 * its rollout. Rebalances are {@link PartitionOwnership}'s.
 *
 * <p>Where the thread's time goes is charged to {@link VerifierPhase}s ({@link PhaseClock}); every step, wait and
 * drafter's acceptance is measured in {@link VerifyMetrics}, and the clients' own metrics go to the same registry.
 * {@link #close()} only asks {@link #run()} to stop; the I/O side then commits what is pending.
 */
public final class VerifyLoop implements Runnable, AutoCloseable {

    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    /** Longest the prompts consumer goes unpolled while prompts already wait in the engine (rebalances run in polls). */
    private static final long FULL_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * Committed tokens between two progress snapshots of a sequence. A takeover decodes at most this many tokens
     * again per sequence; a snapshot costs a record holding the whole prefix, so shorter means more bytes
     * (a 256-token response writes 8 snapshots of 12 bytes per token, about 12 KB in all).
     */
    static final int SNAPSHOT_EVERY = 32;

    /** Version 0: the verifier's own model (the caller's); later versions come from the policies topic. */
    private final VerifyEngine baseEngine;
    private PolicyConfig policyConfig = PolicyConfig.defaults();
    /** Every live policy version's engine; made in {@link #run()}, step thread only. */
    private PolicyEngines engines;
    private final RequestSpecs specs;
    private final ClientSettings settings;
    private final TopicCatalogue catalogue;
    private final String groupId;
    private final String transactionalId;
    private final VerifierDrafting drafting;
    private final Publication publication;
    private final DraftSources sources;
    /** The engine's goodput controller, deciding how much the in-verifier drafters draft. */
    private final DraftSources.DraftPlan draftPlan;
    private final RequestBook book = new RequestBook();
    private final Clock wallClock = Clock.systemUTC();
    private final MeterRegistry meterRegistry;
    private final VerifyMetrics metrics;
    private final PhaseClock clock;
    private final AtomicLong handedOver = new AtomicLong();
    private volatile Runnable onStepThread = () -> { };
    private volatile Runnable onAssigned = () -> { };
    private volatile StepObserver observer = StepObserver.NONE;
    private volatile PartitionOwnership ownership;
    private volatile boolean open = true;
    private volatile KafkaConsumer<byte[], byte[]> promptConsumer;
    /** Step thread only. */
    private long lastPromptPollNanos;

    public VerifyLoop(VerifyEngine engine, PromptEncoder encoder, ClientSettings settings, TopicCatalogue catalogue,
                      String groupId, String transactionalId) {
        this(engine, encoder, settings, catalogue, groupId, transactionalId, VerifierDrafting.decoupled());
    }

    /** A loop that gets its drafts as {@code drafting} says (plain, coupled, decoupled or Fastest-of-N). */
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
        this.publication = Publication.of(drafting);
        this.sources = new DraftSources(drafting);
        this.baseEngine = engine;
        this.draftPlan = new DraftSources.DraftPlan() {
            @Override
            public int tokens(String drafter, int cap, DrafterCost cost) {
                return engines.plannedDraftTokens(drafter, cap, cost);
            }

            @Override
            public void offered(String drafter, int asked, int usable) {
                engines.draftsOffered(drafter, asked, usable);
            }
        };
        this.specs = new RequestSpecs(encoder);
        this.settings = settings;
        this.catalogue = catalogue;
        this.groupId = groupId;
        this.transactionalId = transactionalId;
    }

    /**
     * Runs {@code setup} on the step thread once its clients and the I/O thread are up, before the first poll — e.g.
     * to pin the step thread to a core, which threads started after that would inherit.
     */
    public VerifyLoop onStepThread(Runnable setup) {
        this.onStepThread = setup;
        return this;
    }

    /**
     * Runs {@code hook} on the step thread after every assignment of prompts partitions. By then the prompts consumer
     * has joined its group and started its heartbeat thread, which it does in a poll, on the step thread, and so
     * after {@link #onStepThread}: e.g. to move that thread off the step thread's core again.
     */
    public VerifyLoop onPartitionsAssigned(Runnable hook) {
        this.onAssigned = hook;
        return this;
    }

    /** Keeps policy versions as {@code config} says (before {@link #run()}; default {@link PolicyConfig#defaults()}). */
    public VerifyLoop withPolicies(PolicyConfig config) {
        this.policyConfig = config;
        return this;
    }

    /** Shows every step to {@code stepObserver}, on the step thread (keep it cheap). */
    public VerifyLoop observeSteps(StepObserver stepObserver) {
        this.observer = stepObserver;
        return this;
    }

    @Override
    public void run() {
        SchemaRegistry registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        Map<String, Object> promptsConfig = settings.consumer(groupId, true);
        // only partitions that move are revoked, so a joining instance does not cost the others their running work
        promptsConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        Map<String, Object> restoreConfig = settings.consumer(groupId, true);
        restoreConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // closed in reverse: the prompts consumer first, whose revocation callback still hands over to the I/O side;
        // the engines last, once nothing steps them
        try (PolicyEngines versions = new PolicyEngines(baseEngine, policyConfig);
             VerifyOutput output = VerifyOutput.start(settings, catalogue, registry, transactionalId, publication,
                meterRegistry, metrics);
             PolicyStatusPublisher policyStatus = new PolicyStatusPublisher(settings, catalogue, registry, versions,
                     transactionalId);
             PolicyFeed policyFeed = new PolicyFeed(settings, catalogue, registry, output.deadLetters(),
                     version -> versions.published(new PolicyModel(version.getVersion(),
                             Path.of(version.getModelDir()))), policyStatus::publishIfChanged);
             KafkaConsumer<byte[], byte[]> hintConsumer = new KafkaConsumer<>(settings.consumer(
                     ConsumerGroups.verifyHints(groupId), false));
             // started here, before the step thread pins itself, so that its thread keeps off the step thread's core
             HintReader hintReader = drafting.readsHints() ? new HintReader(hintConsumer,
                     new InputRecords(registry, output.deadLetters()), catalogue) : null;
             KafkaConsumer<byte[], byte[]> restoreConsumer = new KafkaConsumer<>(restoreConfig);
             KafkaConsumer<byte[], byte[]> prompts = new KafkaConsumer<>(promptsConfig);
             KafkaClientMeters clientMeters = new KafkaClientMeters(meterRegistry).consumer(prompts).consumer(hintConsumer)) {
            promptConsumer = prompts;
            engines = versions;
            if (!open) {
                return;
            }
            policyFeed.catchUp(); // every version published so far is known before the first request is routed
            engines.refresh();
            policyFeed.start();
            InputRecords input = new InputRecords(registry, output.deadLetters());
            PromptAdmission admission = new PromptAdmission(engines, policyConfig.policyWait(), specs, book, input,
                    output, metrics, restoreConsumer, catalogue.name(Topics.SEQUENCES));
            HintIntake hints = new HintIntake(Optional.ofNullable(hintReader), drafting, input, sources, book, catalogue,
                    metrics);
            ownership = new PartitionOwnership(admission, hints, output, () -> complete(output), this::release,
                    onAssigned);
            prompts.subscribe(List.of(catalogue.name(Topics.PROMPTS)), ownership);
            onStepThread.run();
            if (drafting.drafts()) {
                engines.prepareStepWidths(); // on the step thread's own core: the costs it will see
            }
            clock.restart();
            while (open) {
                output.rethrowFailure();
                engines.refresh();
                hints.admitted(admission.admitWaiting());
                for (ConsumerRecord<byte[], byte[]> record : pollPrompts(prompts)) {
                    hints.promptRead(record);
                    hints.admitted(admission.admit(record));
                }
                output.groupMetadata(prompts.groupMetadata());
                clock.charge(VerifierPhase.ADMISSION);
                hints.poll();
                clock.charge(VerifierPhase.POLLING);
                if (engines.hasWork()) {
                    step(output);
                }
                complete(output);
                clock.charge(VerifierPhase.OUTPUT);
            }
        } catch (WakeupException e) {
            if (open) {
                throw e;
            }
        }
    }

    /**
     * Polls without waiting while the engine has work (invariant 2); otherwise waits for prompts, timed as idle.
     * While prompts already wait for a place in a full batch, a poll per step would bring nothing the next step could
     * use, and the forward itself measured slower beside it (the bench's forward columns: the consumer's bookkeeping
     * evicts the model's working set, it seems): then it polls every 50 ms at most.
     */
    private ConsumerRecords<byte[], byte[]> pollPrompts(KafkaConsumer<byte[], byte[]> prompts) {
        if (engines.hasWork()) {
            long now = System.nanoTime();
            if (engines.hasWaiting() && now - lastPromptPollNanos < FULL_POLL_NANOS) {
                return ConsumerRecords.empty();
            }
            lastPromptPollNanos = now;
            ConsumerRecords<byte[], byte[]> records = prompts.poll(Duration.ZERO);
            clock.charge(VerifierPhase.POLLING);
            return records;
        }
        long started = System.nanoTime();
        ConsumerRecords<byte[], byte[]> records = prompts.poll(IDLE_POLL);
        metrics.idled(System.nanoTime() - started);
        clock.charge(VerifierPhase.WAITING);
        return records;
    }

    /** The prompts partitions this instance owns now (a snapshot; safe from any thread). */
    public Set<Integer> ownedPartitions() {
        PartitionOwnership current = ownership;
        return current == null ? Set.of() : current.owned();
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

    private void step(VerifyOutput output) {
        long startedMs = wallClock.millis();
        long started = System.nanoTime();
        EngineTime before = engines.time();
        List<SequenceKey> joined = engines.admit();
        sources.admitted(joined, requestId -> book.admission(requestId).orElseThrow().spec());
        sources.propose(engines.activeKeys(), draftPlan);
        List<StepOutcome> outcomes = engines.stepChoosing(sources::candidates);
        sources.stepped(outcomes);
        clock.chargeStep(before, engines.time());
        long nanos = System.nanoTime() - started;
        long endedMs = wallClock.millis();
        metrics.stepped(outcomes, nanos, engines.activeCount(), engines.lastStepWidth(),
                book::policyVersion);
        book.stepped(outcomes, new FirstToken(startedMs, endedMs));
        observer.stepped(outcomes, engines.lastStepWidth(), nanos, endedMs);
        output.step(report(outcomes, joined, nanos, endedMs));
    }

    /** What the I/O side publishes of a step: outcomes where a consumer needs them, and the snapshots due. */
    private StepReport report(List<StepOutcome> outcomes, List<SequenceKey> joined, long nanos, long timestampMs) {
        Set<SequenceKey> snapshotDue = new LinkedHashSet<>(joined);
        List<StepReport.Sequence> published = new ArrayList<>(publication.anyPerStep() ? outcomes.size() : 0);
        for (StepOutcome outcome : outcomes) {
            int end = outcome.startPosition() + outcome.tokens().length;
            if (!outcome.finished() && end / SNAPSHOT_EVERY > outcome.startPosition() / SNAPSHOT_EVERY) {
                snapshotDue.add(outcome.key());
            }
            if (publication.anyPerStep()) {
                published.add(new StepReport.Sequence(book.admission(outcome.key().requestId()).orElseThrow(),
                        outcome, publication.acceptance() ? sources.costMicros(outcome.key()) : Map.of()));
            }
        }
        List<StepReport.Progress> snapshots = new ArrayList<>(snapshotDue.size());
        for (SequenceKey key : snapshotDue) {
            engines.progress(key).ifPresent(prefix -> snapshots.add(new StepReport.Progress(
                    book.admission(key.requestId()).orElseThrow(), key, prefix)));
        }
        return new StepReport(timestampMs, nanos / 1_000, outcomes.size(), published, snapshots);
    }

    /** Hands every request whose last sample finished, with the prompt offsets that became free, to the I/O side. */
    private void complete(VerifyOutput output) {
        List<CompletedRollout> finished = engines.takeFinished();
        finished.forEach(rollout -> sources.drop(rollout.key()));
        List<CompletedRequest> done = book.finished(finished);
        done.forEach(request -> sources.dropRequest(request.admission().requestId()));
        output.complete(done, book.advancedOffsets());
    }

    /** Drops every unfinished request read from {@code partitions}: their new owner starts them over. */
    private void release(Collection<TopicPartition> partitions) {
        for (InFlightRequest request : book.release(partitions)) {
            String requestId = request.admission().requestId();
            engines.cancel(requestId);
            sources.dropRequest(requestId);
            request.keys().forEach(sources::drop);
            handedOver.incrementAndGet();
        }
        metrics.activeSequences(engines.activeCount());
    }
}
