package io.specstream.pipeline.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.contract.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.service.DraftLoop;
import io.specstream.draft.service.TailSource;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.CoreAffinity;
import io.specstream.inference.runtime.OnCore;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.selector.SelectorConfig;
import io.specstream.selector.SelectorService;
import io.specstream.topology.catalogue.ConsumerGroups;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.cli.OpenedResources;
import io.specstream.topology.client.ClientSettings;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyConfig.StepWidth;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.service.VerifierDrafting;
import io.specstream.contract.BackgroundLoop;
import io.specstream.verify.service.StepObserver;
import io.specstream.verify.service.VerifyLoop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The services of one {@code specstream run}, on threads of this process: a VerifyLoop, plus per mode a lock-step
 * drafter inside it (coupled), a DraftLoop with the first draft model (decoupled), or — Fastest-of-N — a DraftLoop
 * with every draft model, the model-free drafters where {@link Placement} puts them, and the selector (or, without
 * it, the verifier weighing every drafter's tails itself). Closing
 * stops the loops, then frees the models, in reverse order of opening. {@code specstream bench} runs its every
 * mode through this same class, with the verify and draft loops pinned to cores of their own ({@link Shape}).
 */
public final class RunPipeline implements AutoCloseable {

    /**
     * Where the models are and how they run; coupled and decoupled use the first draft model, and the verifier chooses
     * its step widths as {@code stepWidth} says.
     */
    public record Models(Path targetDir, List<Path> draftDirs, int k, InferenceOptions inference, StepWidth stepWidth) {
        public Models {
            draftDirs = List.copyOf(draftDirs);
        }

        /** Models whose verifier chooses its step widths by the goodput controller. */
        public Models(Path targetDir, List<Path> draftDirs, int k, InferenceOptions inference) {
            this(targetDir, draftDirs, k, inference, StepWidth.GOODPUT);
        }
    }

    /** Where Fastest-of-N runs the model-free drafters, and which ones. */
    public record ModelFree(List<Drafter> drafters, Placement placement) {
        public ModelFree {
            drafters = List.copyOf(drafters);
        }
    }

    /**
     * How many sequences the verifier decodes together, and the cores its loop and the draft-service loop are pinned
     * to (empty: wherever the OS puts them). Lock-step drafters run on the verifier's core; the selector and the
     * broker stay unpinned.
     */
    public record Shape(int maxBatch, OptionalInt verifyCore, OptionalInt draftCore) {
        public static final int DEFAULT_MAX_BATCH = 64;

        public Shape {
            if (maxBatch < 1) {
                throw new IllegalArgumentException("max batch " + maxBatch + " is not valid; allowed values: an integer >= 1");
            }
        }

        /** {@code specstream run}'s: a batch of up to 64 sequences, nothing pinned. */
        public static Shape unpinned() {
            return new Shape(DEFAULT_MAX_BATCH, OptionalInt.empty(), OptionalInt.empty());
        }
    }

    /** How long the loops may take to join their groups and own partitions before {@link #start} gives up. */
    /** The verify step thread's name; data-parallel instances add "-0", "-1", ... */
    public static final String VERIFY_LOOP_THREAD = "verify-loop";
    /** The draft-service loop thread's name. */
    public static final String DRAFT_LOOP_THREAD = "draft-loop";
    private static final Duration OWNERSHIP_PATIENCE = Duration.ofSeconds(60);

    private final OpenedResources opened = new OpenedResources();
    private final List<BackgroundLoop> loops = new ArrayList<>();
    private final List<String> pinning = new CopyOnWriteArrayList<>();
    /** Every loop's partitions now, verify and draft alike: {@link #start} returns once each owns some. */
    private final List<Supplier<Set<Integer>>> owners = new ArrayList<>();

    private RunPipeline() {
    }

    /** Starts the services of {@code mode}; every loop's and the selector's meters go to {@code metrics}. */
    public static RunPipeline start(RunMode mode, Models models, ModelFree modelFree, Shape shape,
                                    MeterRegistry metrics, ClientSettings settings, TopicCatalogue catalogue) {
        return start(mode, models, modelFree, shape, metrics, StepObserver.NONE, settings, catalogue);
    }

    /** As above, showing every verify step to {@code steps} (the benchmark's acceptance log). */
    public static RunPipeline start(RunMode mode, Models models, ModelFree modelFree, Shape shape,
                                    MeterRegistry metrics, StepObserver steps, ClientSettings settings,
                                    TopicCatalogue catalogue) {
        RunPipeline pipeline = new RunPipeline();
        try {
            pipeline.launch(mode, models, modelFree, shape, metrics, steps, settings, catalogue);
            pipeline.awaitEveryLoopOwningPartitions();
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void launch(RunMode mode, Models models, ModelFree modelFree, Shape shape, MeterRegistry metrics,
                        StepObserver steps, ClientSettings settings, TopicCatalogue catalogue) {
        if (mode == RunMode.PLAIN_EVERY_CORE) {
            launchPlainOnEveryCore(models, shape, metrics, steps, settings, catalogue);
            return;
        }
        InferenceOptions inference = models.inference();
        ModelDirectory target = ModelDirectory.open(models.targetDir());
        int k = models.k();
        // Fastest-of-N drafts and may verify up to twice the default k; its goodput controller takes such long steps
        // only where they pay on the measured step costs (in the pipeline at one sequence a 9-token step took 1.84x a
        // 1-token one and a 5-token step 1.31x: at acceptance 0.95 the longer commits about 1.1x more per second)
        int maxDraft = mode.everyDrafter() ? 2 * k : k;
        VerifyEngine engine = keep(VerifyEngine.open(new VerifyConfig(shape.maxBatch(), Math.max(512, shape.maxBatch()),
                maxDraft, models.targetDir(), inference, models.stepWidth())));
        VerifierDrafting drafting = VerifierDrafting.plain();
        List<TailSource> draftService = new ArrayList<>();
        switch (mode) {
            case PLAIN, PLAIN_EVERY_CORE -> {
                // PLAIN_EVERY_CORE was launched above
            }
            case COUPLED -> drafting = VerifierDrafting.coupled(draftModel(models.draftDirs().get(0), k, inference), k);
            case DECOUPLED -> {
                draftService.add(TailSource.runAhead(draftModel(models.draftDirs().get(0), k, inference)));
                drafting = VerifierDrafting.decoupled();
            }
            case FASTEST, FASTEST_NO_SELECTOR -> {
                for (Path dir : models.draftDirs()) {
                    draftService.add(TailSource.runAhead(draftModel(dir, k, inference)));
                }
                if (modelFree.placement() == Placement.DRAFT) {
                    modelFree.drafters().forEach(drafter -> draftService.add(TailSource.lookup(drafter, maxDraft)));
                    drafting = VerifierDrafting.fastest(List.of(), maxDraft);
                } else {
                    drafting = VerifierDrafting.fastest(modelFree.drafters(), maxDraft);
                }
                drafting = drafting.withDraftServiceDrafters(
                        draftService.stream().map(TailSource::name).collect(Collectors.toSet()));
                if (mode == RunMode.FASTEST) {
                    keep(new SelectorService(settings, catalogue, SelectorConfig.defaults(), metrics)).start();
                } else {
                    drafting = drafting.withoutSelector();
                }
            }
        }
        if (!draftService.isEmpty()) {
            // the draft service encodes prompts with the target's tokenizer, exactly as the verifier does
            DraftLoop draft = new DraftLoop(draftService, encoder(target), settings, catalogue, ConsumerGroups.DRAFT,
                    metrics).onLoopThread(pin(DRAFT_LOOP_THREAD, shape.draftCore()));
            loops.add(keep(BackgroundLoop.start(draft, DRAFT_LOOP_THREAD)));
            owners.add(draft::ownedPartitions);
        }
        if (drafting.drafts()) {
            measureStepCosts(engine, shape.verifyCore());
        }
        VerifyLoop verify = new VerifyLoop(engine, encoder(target), settings, catalogue, ConsumerGroups.VERIFY,
                "verify-service-run", drafting, metrics).observeSteps(steps)
                .onStepThread(pin(VERIFY_LOOP_THREAD, shape.verifyCore()))
                .onPartitionsAssigned(keepCoreAlone(VERIFY_LOOP_THREAD, shape.verifyCore()));
        loops.add(0, keep(BackgroundLoop.start(verify, VERIFY_LOOP_THREAD)));
        owners.add(verify::ownedPartitions);
    }

    /**
     * Two plain verify instances in one group, data-parallel — each with an engine, a batch of {@code maxBatch} and a
     * transactional id of its own — one pinned to the verify core, one to the draft core: plain decoding on every device
     * the speculative modes use. They share the prompts partitions as any two instances do.
     */
    private void launchPlainOnEveryCore(Models models, Shape shape, MeterRegistry metrics, StepObserver steps,
                                        ClientSettings settings, TopicCatalogue catalogue) {
        ModelDirectory target = ModelDirectory.open(models.targetDir());
        List<OptionalInt> cores = List.of(shape.verifyCore(), shape.draftCore());
        for (int instance = 0; instance < cores.size(); instance++) {
            VerifyEngine engine = keep(VerifyEngine.open(new VerifyConfig(shape.maxBatch(),
                    Math.max(512, shape.maxBatch()), models.k(), models.targetDir(), models.inference())));
            String name = VERIFY_LOOP_THREAD + "-" + instance;
            VerifyLoop verify = new VerifyLoop(engine, encoder(target), settings, catalogue, ConsumerGroups.VERIFY,
                    "verify-service-run-" + instance, VerifierDrafting.plain(), metrics).observeSteps(steps)
                    .onStepThread(pin(name, cores.get(instance)));
            if (instance == 0) { // the other instance shares its core with everything else
                verify.onPartitionsAssigned(keepCoreAlone(name, shape.verifyCore()));
            }
            loops.add(keep(BackgroundLoop.start(verify, name)));
            owners.add(verify::ownedPartitions);
        }
    }

    /**
     * Returns once every loop owns partitions, i.e. has joined its group: the pipeline is then ready, so that the first
     * prompts are not kept waiting for a group join (a quarter of a second here, which the benchmark's cells would
     * otherwise count as the pipeline's time), and, with two verify instances, so that prompts published before the
     * second joined are not admitted by the first, handed over at the rebalance and decoded again.
     */
    private void awaitEveryLoopOwningPartitions() {
        long deadline = System.nanoTime() + OWNERSHIP_PATIENCE.toNanos();
        while (owners.stream().anyMatch(owned -> owned.get().isEmpty())) {
            failure().ifPresent(e -> {
                throw e;
            });
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the verify and draft loops did not all own partitions within "
                        + OWNERSHIP_PATIENCE.toSeconds() + " s; the prompts topic needs a partition per instance");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /**
     * The goodput controller's step costs, measured now on the verify core (the costs its steps will see) so that the
     * first prompts do not wait for them.
     */
    private static void measureStepCosts(VerifyEngine engine, OptionalInt core) {
        OnCore.call(core, "step-costs", () -> {
            engine.prepareStepWidths();
            return engine;
        });
    }

    /** A draft model running up to 2k tokens ahead (the longest draft the selector may ask for). */
    private ModelDrafter draftModel(Path dir, int k, InferenceOptions inference) {
        DecoderSession session = keep(DecoderSession.open(ModelDirectory.open(dir), inference));
        return keep(ModelDrafter.withWindowFor(String.valueOf(dir.getFileName()), session, k));
    }

    /** What each pinned loop's thread was pinned to, or why it could not be, e.g. {@code verify-loop: core 0}. */
    public List<String> pinning() {
        return List.copyOf(pinning);
    }

    /**
     * Pins the calling thread to {@code core}, if given, noting how it went. Run by a loop on its own thread once
     * its clients are up, so the threads they started are not pinned with it.
     */
    private Runnable pin(String name, OptionalInt core) {
        return () -> core.ifPresent(c -> pinning.add(name + ": " + CoreAffinity.pinCurrentThread(c)
                .map(why -> "unpinned (" + why + ")").orElse("core " + c)));
    }

    /**
     * Moves the threads a verify step thread started after pinning itself to {@code core} (its prompts consumer's
     * heartbeat thread, started at the group join) off that core again: the verify core is the step thread's alone.
     */
    private Runnable keepCoreAlone(String name, OptionalInt core) {
        return () -> core.ifPresent(c -> CoreAffinity.moveInheritedThreadsOff(c, CoreAffinity.availableCores())
                .ifPresent(why -> pinning.add(name + ": threads it started left on core " + c + " (" + why + ")")));
    }

    /** The first loop that died, with what it threw. */
    public Optional<IllegalStateException> failure() {
        for (BackgroundLoop loop : loops) {
            if (loop.failure().isPresent()) {
                return Optional.of(new IllegalStateException(loop.name() + " failed", loop.failure().get()));
            }
        }
        return Optional.empty();
    }

    private PromptEncoder encoder(ModelDirectory target) {
        TextTokenizer tokenizer = keep(TextTokenizer.open(target.tokenizerFile()));
        return new PromptEncoder(tokenizer, target.config());
    }

    private <T extends AutoCloseable> T keep(T resource) {
        return opened.keep(resource);
    }

    @Override
    public void close() {
        opened.close();
    }
}
