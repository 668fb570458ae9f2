package io.specstream.verify.cli;

import io.specstream.draft.ModelDrafter;
import io.specstream.draft.service.DraftLoop;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.cli.OpenedResources;
import io.specstream.topology.client.ClientSettings;
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.service.VerifyLoop;
import io.specstream.verify.service.VerifyLoop.LockStepDrafting;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The services of one {@code specstream run}, on threads of this process: a VerifyLoop, plus a DraftLoop in
 * decoupled mode, or a lock-step drafter inside the VerifyLoop in coupled mode. Closing stops the loops, then frees
 * the models, in reverse order of opening.
 */
final class RunPipeline implements AutoCloseable {

    /** Where the models are and how the services run. */
    record Models(Path targetDir, Path draftDir, int k, int threads) {
    }

    private final OpenedResources opened = new OpenedResources();
    private List<BackgroundLoop> loops = List.of();

    private RunPipeline() {
    }

    static RunPipeline start(RunMode mode, Models models, ClientSettings settings, TopicCatalogue catalogue) {
        RunPipeline pipeline = new RunPipeline();
        try {
            pipeline.launch(mode, models, settings, catalogue);
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    private void launch(RunMode mode, Models models, ClientSettings settings, TopicCatalogue catalogue) {
        InferenceOptions inference = InferenceOptions.cpu(models.threads());
        ModelDirectory target = ModelDirectory.open(models.targetDir());
        VerifyEngine engine = keep(VerifyEngine.open(new VerifyConfig(64, 512, models.k(), models.targetDir(), inference)));
        Optional<LockStepDrafting> lockStep = Optional.empty();
        Optional<BackgroundLoop> draftLoop = Optional.empty();
        if (mode != RunMode.PLAIN) {
            ModelDirectory draft = ModelDirectory.open(models.draftDir());
            DecoderSession session = keep(DecoderSession.open(draft, inference));
            ModelDrafter drafter = keep(ModelDrafter.withWindowFor(
                    String.valueOf(models.draftDir().getFileName()), session, models.k()));
            if (mode == RunMode.COUPLED) {
                lockStep = Optional.of(new LockStepDrafting(drafter, models.k()));
            } else {
                // the draft service encodes prompts with the target's tokenizer, exactly as the verifier does
                DraftLoop loop = new DraftLoop(drafter, encoder(target), settings, catalogue, "draft-service");
                draftLoop = Optional.of(keep(BackgroundLoop.start(loop, "draft-loop")));
            }
        }
        VerifyLoop verify = new VerifyLoop(engine, encoder(target), settings, catalogue, "verify-service",
                "verify-service-run", lockStep);
        BackgroundLoop verifyLoop = keep(BackgroundLoop.start(verify, "verify-loop"));
        this.loops = draftLoop.map(d -> List.of(verifyLoop, d)).orElse(List.of(verifyLoop));
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
