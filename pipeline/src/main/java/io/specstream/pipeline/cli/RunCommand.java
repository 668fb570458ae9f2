package io.specstream.pipeline.cli;

import io.specstream.draft.ModelFreeDrafters;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.embedded.EmbeddedKafkaSettings;
import io.specstream.topology.embedded.EmbeddedStack;
import io.specstream.topology.json.JsonRecordCodec;
import io.specstream.inference.runtime.CoreAffinity;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.topology.cli.DecodingOptions;
import io.specstream.topology.cli.OpenedResources;
import io.specstream.topology.cli.ProgressCommand;
import io.specstream.topology.metrics.MetricsOptions;
import io.specstream.verify.service.VerifierTime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code specstream run}: the whole pipeline in this process — embedded broker and registry, verify-service, and per
 * {@code --mode} a draft-service — rolls out every prompt of a JSONL file and writes the rollouts as JSONL:
 * <pre>
 * specstream run --prompts examples/prompts/rl-math.jsonl --out rollouts.jsonl --mode fastest --k 4
 * </pre>
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Roll out a prompts file end to end in this process (embedded Kafka, verify, draft) "
                + "and write the rollouts as JSONL.")
public final class RunCommand implements Callable<Integer>, ProgressCommand {

    @Option(names = "--prompts", paramLabel = "FILE", defaultValue = "examples/prompts/rl-math.jsonl",
            description = "JSONL of RolloutRequest records (default: ${DEFAULT-VALUE}).")
    Path prompts;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "rollouts.jsonl",
            description = "Where the rollouts go, one JSON record per line (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "models/target",
            description = "Target model directory (default: ${DEFAULT-VALUE}).")
    Path modelDir;

    @Option(names = "--draft-model-dir", paramLabel = "DIR", split = ",",
            defaultValue = "models/draft-small,models/draft-tiny",
            description = "Draft model directories, comma-separated; fastest runs them all, coupled and decoupled the "
                    + "first (default: ${DEFAULT-VALUE}).")
    List<Path> draftModelDirs;

    // plain by default: measured the fastest on the shipped prompts on a CPU. With the goodput controller turning
    // wide steps off at this batch of 64, fastest still lost (4.2-4.3 s against 3.7-3.9 s, pinned, 2026-12-05):
    // what remains is the drafters' own bookkeeping on the verify thread and the draft loop beside it
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "plain",
            description = "plain (no drafts), coupled (lock-step drafter inside the verifier), decoupled "
                    + "(one draft model as a service over topics), fastest (every drafter, the selector picking "
                    + "per request), fastest_no_selector (the same drafters, none ranking them: the verifier weighs "
                    + "every tail itself) or plain_every_core (no drafts, one verify instance on each of the two cores the "
                    + "speculative modes use) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--model-free", paramLabel = "NAMES", defaultValue = "ngram,suffix",
            description = "Model-free drafters of fastest mode: a comma-separated list of ngram, suffix, or none "
                    + "(default: ${DEFAULT-VALUE}).")
    String modelFree;

    @Option(names = "--model-free-placement", paramLabel = "WHERE", defaultValue = "verify",
            description = "Where fastest mode runs the model-free drafters: verify (inside the verifier, no topic "
                    + "hop) or draft (in draft-service) (default: ${DEFAULT-VALUE}).")
    String placement;

    @Option(names = "--no-pin", description = "Leave the verify and draft loops unpinned (default: the verify step "
            + "thread alone on core 0 and the draft loop on core 1, where the machine has two cores).")
    boolean noPin;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "Replaces every request's max_new_tokens (default: each request's own).")
    Integer maxNewTokens;

    @Mixin
    DecodingOptions decoding;

    @Mixin
    StepWidthOption stepWidth;

    @Mixin
    MetricsOptions metrics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RunMode runMode = parseMode();
        RunPipeline.ModelFree modelFreeDrafters = parseModelFree(runMode);
        if (maxNewTokens != null) {
            requireAtLeastOne("--max-new-tokens", maxNewTokens);
        }
        requireReadable("--prompts", prompts, false);
        requireReadable("--model-dir", modelDir, true);
        if (runMode.drafts()) {
            for (Path dir : runMode.everyDrafter() ? draftModelDirs : draftModelDirs.subList(0, 1)) {
                requireReadable("--draft-model-dir", dir, true);
            }
        }
        PromptFile file;
        try {
            file = PromptFile.read(prompts, maxNewTokens == null ? OptionalInt.empty() : OptionalInt.of(maxNewTokens));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TopicCatalogue catalogue = new TopicCatalogue(TopicCatalogue.DEFAULT_PREFIX, TopicCatalogue.DEFAULT_PARTITIONS);
        PrintWriter stdout = spec.commandLine().getOut();
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedKafkaSettings.temporary(), 0, catalogue)) {
            ClientSettings settings = stack.clientSettings();
            RunPipeline.Models models = new RunPipeline.Models(modelDir, draftModelDirs, decoding.k(),
                    InferenceOptions.of("--execution-provider", decoding.executionProvider(), decoding.threads()),
                    stepWidth.width());
            List<Rollout> rollouts;
            RunTally tally = new RunTally(file.sequences());
            long started;
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (OpenedResources endpoint = new OpenedResources();
                 RunPipeline pipeline = RunPipeline.start(runMode, models, modelFreeDrafters, shape(),
                         registry, settings, catalogue);
                 TrainerEndpoint trainer = new TrainerEndpoint(settings, catalogue)) {
                metrics.startEndpoint(registry).ifPresent(endpoint::keep);
                started = System.nanoTime();
                rollouts = exchange(trainer, file, pipeline, tally, started);
            }
            write(order(rollouts, file));
            double seconds = (tally.lastArrivalNanos() - started) / 1e9;
            stdout.println(String.format(Locale.ROOT,
                    "mode %s: %d sequences, %d tokens in %.1f s = %.1f tokens/s; acceptance %.2f "
                            + "(%.2f draft tokens accepted per verify step); verifier time: %s; rollouts in %s",
                    runMode.flagValue(), tally.sequences(), tally.tokens(), seconds, tally.tokensPerSecond(seconds),
                    tally.acceptanceRate(), tally.acceptedPerStep(), VerifierTime.of(registry).shares(), out));
            stdout.flush();
        }
        return 0;
    }

    /**
     * One core stands in for one device where there are two or more, as in the bench: the verify step thread alone on
     * core 0, the draft loop on core 1, every other thread of the process kept off core 0; {@code --no-pin} leaves
     * them to the scheduler.
     */
    private RunPipeline.Shape shape() {
        if (noPin || CoreAffinity.availableCores() < 2) {
            return RunPipeline.Shape.unpinned();
        }
        CoreAffinity.keepProcessOff(0, CoreAffinity.availableCores());
        return new RunPipeline.Shape(RunPipeline.Shape.DEFAULT_MAX_BATCH, OptionalInt.of(0), OptionalInt.of(1));
    }

    private RunMode parseMode() {
        try {
            return RunMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private RunPipeline.ModelFree parseModelFree(RunMode runMode) {
        try {
            // validated in every mode, so that a typo is named even where only fastest would run the drafters
            Placement where = Placement.parse("--model-free-placement", placement);
            var drafters = ModelFreeDrafters.create("--model-free", modelFree);
            return new RunPipeline.ModelFree(runMode.everyDrafter() ? drafters : List.of(), where);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void requireAtLeastOne(String flag, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(),
                    flag + " " + value + " is not valid; allowed values: an integer >= 1");
        }
    }

    private void requireReadable(String flag, Path path, boolean directory) {
        if (directory ? !Files.isDirectory(path) : !Files.isReadable(path)) {
            throw new ParameterException(spec.commandLine(), flag + " " + path + " is not a readable "
                    + (directory ? "model directory" : "file"));
        }
    }

    /** Publishes every prompt, then reads rollouts until every sample of every prompt is in, redrawing the progress line. */
    private List<Rollout> exchange(TrainerEndpoint trainer, PromptFile file, RunPipeline pipeline, RunTally tally,
                                   long started) {
        List<Rollout> rollouts = new ArrayList<>();
        ProgressLine progress = new ProgressLine(spec.commandLine().getErr());
        try {
            trainer.publish(file.requests());
            progress.show(tally, 0);
            while (!tally.complete()) {
                for (Rollout rollout : trainer.poll(Duration.ofMillis(200))) {
                    tally.add(rollout);
                    rollouts.add(rollout);
                }
                progress.show(tally, (System.nanoTime() - started) / 1e9);
                pipeline.failure().ifPresent(failure -> {
                    throw failure;
                });
            }
        } finally {
            progress.finish();
        }
        return rollouts;
    }

    /** In prompt-file order, then by sample index, so runs in different modes compare line for line. */
    private static List<Rollout> order(List<Rollout> rollouts, PromptFile file) {
        Map<String, Integer> position = new LinkedHashMap<>();
        for (RolloutRequest request : file.requests()) {
            position.putIfAbsent(request.getRequestId(), position.size());
        }
        rollouts.sort(Comparator.<Rollout>comparingInt(r -> position.getOrDefault(r.getRequestId(), Integer.MAX_VALUE))
                .thenComparing(Rollout::getRequestId).thenComparingInt(Rollout::getSampleIndex));
        return rollouts;
    }

    private void write(List<Rollout> rollouts) throws IOException {
        JsonRecordCodec codec = new JsonRecordCodec();
        List<String> lines = new ArrayList<>(rollouts.size());
        for (Rollout rollout : rollouts) {
            lines.add(codec.toJson(rollout));
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(out, lines, StandardCharsets.UTF_8);
    }
}
