package io.specstream.verify.cli;

import io.specstream.draft.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.service.DraftLoop;
import io.specstream.draft.service.TailSource;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.selector.SelectorConfig;
import io.specstream.selector.SelectorService;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.cli.OpenedResources;
import io.specstream.topology.client.ClientSettings;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.service.VerifierDrafting;
import io.specstream.verify.service.BackgroundLoop;
import io.specstream.verify.service.VerifyLoop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The services of one {@code specstream run}, on threads of this process: a VerifyLoop, plus per mode a lock-step
 * drafter inside it (coupled), a DraftLoop with the first draft model (decoupled), or — Fastest-of-N — a DraftLoop
 * with every draft model, the model-free drafters where {@link Placement} puts them, and the selector. Closing
 * stops the loops, then frees the models, in reverse order of opening.
 */
final class RunPipeline implements AutoCloseable {

    /** Where the models are and how the services run; coupled and decoupled use the first draft model. */
    record Models(Path targetDir, List<Path> draftDirs, int k, int threads) {
        Models {
            draftDirs = List.copyOf(draftDirs);
        }
    }

    /** Where Fastest-of-N runs the model-free drafters, and which ones. */
    record ModelFree(List<Drafter> drafters, Placement placement) {
        ModelFree {
            drafters = List.copyOf(drafters);
        }
    }

    private final OpenedResources opened = new OpenedResources();
    private final List<BackgroundLoop> loops = new ArrayList<>();

    private RunPipeline() {
    }

    static RunPipeline start(RunMode mode, Models models, ModelFree modelFree, ClientSettings settings,
                             TopicCatalogue catalogue) {
        RunPipeline pipeline = new RunPipeline();
        try {
            pipeline.launch(mode, models, modelFree, settings, catalogue);
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void launch(RunMode mode, Models models, ModelFree modelFree, ClientSettings settings,
                        TopicCatalogue catalogue) {
        InferenceOptions inference = InferenceOptions.cpu(models.threads());
        ModelDirectory target = ModelDirectory.open(models.targetDir());
        int k = models.k();
        // Fastest-of-N lets the selector lengthen k up to twice the default where acceptance is high
        int maxDraft = mode == RunMode.FASTEST ? 2 * k : k;
        VerifyEngine engine = keep(VerifyEngine.open(new VerifyConfig(64, 512, maxDraft, models.targetDir(), inference)));
        VerifierDrafting drafting = VerifierDrafting.decoupled();
        List<TailSource> draftService = new ArrayList<>();
        switch (mode) {
            case PLAIN -> {
            }
            case COUPLED -> drafting = VerifierDrafting.coupled(draftModel(models.draftDirs().get(0), k, inference), k);
            case DECOUPLED -> draftService.add(TailSource.runAhead(draftModel(models.draftDirs().get(0), k, inference)));
            case FASTEST -> {
                for (Path dir : models.draftDirs()) {
                    draftService.add(TailSource.runAhead(draftModel(dir, k, inference)));
                }
                if (modelFree.placement() == Placement.DRAFT) {
                    modelFree.drafters().forEach(drafter -> draftService.add(TailSource.lookup(drafter, maxDraft)));
                    drafting = VerifierDrafting.fastest(List.of(), k);
                } else {
                    drafting = VerifierDrafting.fastest(modelFree.drafters(), k);
                }
                keep(new SelectorService(settings, catalogue, SelectorConfig.defaults())).start();
            }
        }
        if (!draftService.isEmpty()) {
            // the draft service encodes prompts with the target's tokenizer, exactly as the verifier does
            loops.add(keep(BackgroundLoop.start(new DraftLoop(draftService, encoder(target), settings, catalogue,
                    "draft-service"), "draft-loop")));
        }
        VerifyLoop verify = new VerifyLoop(engine, encoder(target), settings, catalogue, "verify-service",
                "verify-service-run", drafting);
        loops.add(0, keep(BackgroundLoop.start(verify, "verify-loop")));
    }

    /** A draft model running up to 2k tokens ahead (the longest draft the selector may ask for). */
    private ModelDrafter draftModel(Path dir, int k, InferenceOptions inference) {
        DecoderSession session = keep(DecoderSession.open(ModelDirectory.open(dir), inference));
        return keep(ModelDrafter.withWindowFor(String.valueOf(dir.getFileName()), session, k));
    }

    /** The first loop that died, with what it threw. */
    Optional<IllegalStateException> failure() {
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
