package io.specstream.bench.measure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.specstream.bench.BenchPlan;
import io.specstream.bench.CellKey;
import io.specstream.bench.Workload;
import io.specstream.draft.ModelFreeDrafters;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.admin.SchemaBootstrap;
import io.specstream.topology.admin.TopicBootstrap;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.client.PolicyPublisher;
import io.specstream.pipeline.cli.Placement;
import io.specstream.pipeline.cli.RunMode;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.pipeline.cli.RunPipeline;
import io.specstream.pipeline.cli.TrainerEndpoint;
import io.specstream.verify.service.VerifierTime;
import io.specstream.verify.service.VerifyMetrics;
import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Runs one cell through {@link RunPipeline} — the pipeline {@code specstream run} starts — on topics of its own
 * (prefix {@code bench<N>-}, 2 partitions) of a shared broker: per epoch, publishes every request at once as a trainer would and
 * reads the rollouts back read_committed, timing each from its epoch's publication; the verify loop shows it every
 * step ({@link StepLog}).
 */
public final class CellRunner {

    /** The policy version a plan's {@code --policy-switch} publishes before the second epoch. */
    public static final long SWITCHED_VERSION = 1;
    private static final Duration POLL = Duration.ofMillis(50);
    /** One verify and one draft instance per cell: more partitions would only lengthen each cell's set-up. */
    private static final int PARTITIONS = 2;
    /**
     * A cell whose next rollout is this late has stopped (e.g. its requests went to dead-letters): fail with a reason
     * rather than wait forever. The slowest sequence of the full benchmark takes a few seconds.
     */
    private static final Duration STALLED = Duration.ofMinutes(3);

    private final BenchPlan plan;
    private final ClientSettings settings;
    private final SchemaRegistry registry;
    private final OptionalInt verifyCore;
    private final OptionalInt draftCore;
    private int cells;

    /** Cells on the cluster of {@code settings}; the loops pinned to {@code verifyCore} and {@code draftCore} if given. */
    public CellRunner(BenchPlan plan, ClientSettings settings, OptionalInt verifyCore, OptionalInt draftCore) {
        this.plan = plan;
        this.settings = settings;
        this.registry = new RestSchemaRegistryClient(settings.schemaRegistryUrl(), settings.registryClient());
        this.verifyCore = verifyCore;
        this.draftCore = draftCore;
    }

    /** Runs {@code workload} as {@code key} says; {@code progress} hears the sequences finished so far. */
    public CellResult run(CellKey key, Workload workload, IntConsumer progress) {
        TopicCatalogue catalogue = freshTopics();
        RunPipeline.Models models = new RunPipeline.Models(plan.targetDir(),
                key.mode().everyDrafter() ? plan.draftDirs() : List.of(plan.singleDraftDir()), plan.k(),
                InferenceOptions.cpu(1));
        RunPipeline.ModelFree modelFree = new RunPipeline.ModelFree(
                ModelFreeDrafters.create("model-free", ModelFreeDrafters.all()), Placement.VERIFY);
        RunPipeline.Shape shape = new RunPipeline.Shape(key.concurrency(), verifyCore, draftCore);
        List<SequenceResult> sequences = new ArrayList<>();
        MeterRegistry meters = new SimpleMeterRegistry();
        List<String> pinning;
        long startMs;
        long endMs;
        long started;
        long ended;
        StepLog stepLog = new StepLog();
        CoreUse coresBefore;
        CoreUse coresAfter;
        try (RunPipeline pipeline = RunPipeline.start(key.mode(), models, modelFree, shape, meters, stepLog, settings,
                catalogue);
             TrainerEndpoint trainer = new TrainerEndpoint(settings, catalogue)) {
            startMs = System.currentTimeMillis();
            coresBefore = CoreUse.now();
            started = System.nanoTime();
            for (int epoch = 0; epoch < workload.epochs().size(); epoch++) {
                if (epoch == 1 && plan.policySwitch().isPresent()) {
                    new PolicyPublisher(settings, catalogue, registry).publish(SWITCHED_VERSION,
                            plan.policySwitch().get(), List.of());
                }
                rollOut(key, epoch, workload, pipeline, trainer, catalogue, sequences, progress);
            }
            ended = System.nanoTime();
            coresAfter = CoreUse.now();
            endMs = System.currentTimeMillis();
            pinning = pipeline.pinning();
        }
        Timer steps = meters.get(VerifyMetrics.STEP).timer();
        return new CellResult(key, (ended - started) / 1e9, sequences, new AcceptanceLog(stepLog.steps(), startMs, endMs),
                steps.count(), steps.totalTime(TimeUnit.SECONDS), VerifierTime.of(meters), pinning,
                PolicyAcceptance.of(meters), coresAfter.since(coresBefore));
    }

    /** Publishes epoch {@code epoch} at once and adds its sequences to {@code sequences} as their rollouts arrive. */
    private static void rollOut(CellKey key, int epoch, Workload workload, RunPipeline pipeline, TrainerEndpoint trainer,
                                TopicCatalogue catalogue, List<SequenceResult> sequences, IntConsumer progress) {
        long published = System.nanoTime();
        trainer.publish(workload.epochs().get(epoch));
        int expected = sequences.size() + workload.sequencesPerEpoch();
        long lastArrival = published;
        while (sequences.size() < expected) {
            List<Rollout> arrived = trainer.poll(POLL);
            long now = System.nanoTime();
            for (Rollout rollout : arrived) {
                sequences.add(new SequenceResult(rollout.getRequestId() + "#" + rollout.getSampleIndex(), epoch,
                        rollout.getResponseTokenIds(), (now - published) / 1e9));
                lastArrival = now;
            }
            progress.accept(sequences.size());
            pipeline.failure().ifPresent(failure -> {
                throw failure;
            });
            if (now - lastArrival > STALLED.toNanos()) {
                throw new IllegalStateException(key + ": no rollout for " + STALLED + " with " + sequences.size()
                        + " of " + expected + " sequences in; look in topic " + catalogue.name(Topics.DEAD_LETTERS));
            }
        }
    }

    private TopicCatalogue freshTopics() {
        TopicCatalogue catalogue = new TopicCatalogue("bench" + (cells++) + "-", PARTITIONS);
        try (Admin admin = Admin.create(settings.admin())) {
            new TopicBootstrap(admin, catalogue).ensureTopics();
        }
        new SchemaBootstrap(registry, catalogue).registerAll();
        return catalogue;
    }

}
