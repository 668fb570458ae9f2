package io.specstream.pipeline.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.specstream.contract.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.ModelFreeDrafters;
import io.specstream.draft.service.DraftLoop;
import io.specstream.draft.service.DraftModelSwitch;
import io.specstream.draft.service.TailSource;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.topology.catalogue.ConsumerGroups;
import io.specstream.topology.cli.ConnectionOptions;
import io.specstream.topology.cli.DecodingOptions;
import io.specstream.topology.cli.ModelDirOption;
import io.specstream.topology.cli.OpenedResources;
import io.specstream.topology.metrics.MetricsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code specstream draft}: one draft-service instance (a draft model, run-ahead over topics) against any cluster,
 * until Ctrl-C:
 * <pre>
 * specstream draft --bootstrap-servers broker:9092 --draft-model-dir models/draft-small --k 4
 * specstream draft --metrics-port 9465      # Prometheus metrics at http://127.0.0.1:9465/metrics
 * </pre>
 */
@Command(name = "draft", mixinStandardHelpOptions = true,
        description = "Run draft-service (a draft model drafting ahead of the verifier) until Ctrl-C.")
public final class DraftCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    DecodingOptions decoding;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--draft-model-dir", paramLabel = "DIR", split = ",", defaultValue = "models/draft-small",
            description = "Draft model directories, comma-separated, or none; each runs ahead as its own drafter "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> draftModelDirs;

    @Option(names = "--model-free", paramLabel = "NAMES", defaultValue = "none",
            description = "Model-free drafters to run here too: a comma-separated list of ngram, suffix, or none "
                    + "(default: ${DEFAULT-VALUE}).")
    String modelFree;

    @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "models/target",
            description = "Target model directory; its tokenizer encodes prompts as the verifier does "
                    + "(default: ${DEFAULT-VALUE}).")
    Path modelDir;

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = ConsumerGroups.DRAFT,
            description = "Consumer group of the draft instances (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--verify-group-id", paramLabel = "ID", defaultValue = DraftLoop.DEFAULT_VERIFY_GROUP,
            description = "Consumer group of the verify instances: a draft instance given partitions starts reading "
                    + "prompts at the offsets it committed (default: ${DEFAULT-VALUE}).")
    String verifyGroupId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Path> modelDirs = draftModelDirs.stream().filter(dir -> !dir.equals(ModelFreeDrafters.NONE))
                .map(Path::of).toList();
        modelDirs.forEach(dir -> ModelDirOption.require(spec, "--draft-model-dir", dir));
        ModelDirOption.require(spec, "--model-dir", modelDir);
        List<Drafter> lookups;
        try {
            lookups = ModelFreeDrafters.create("--model-free", modelFree);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (modelDirs.isEmpty() && lookups.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "no drafter: give a --draft-model-dir or a --model-free drafter");
        }
        ModelDirectory target = ModelDirectory.open(modelDir);
        OpenedResources opened = new OpenedResources();
        try {
            // tails of up to 2k tokens: the selector may lengthen k that far where acceptance is high
            int window = 2 * decoding.k();
            InferenceOptions inference = InferenceOptions.of("--execution-provider", decoding.executionProvider(),
                    decoding.threads());
            List<ModelDrafter> models = new ArrayList<>();
            for (Path dir : modelDirs) {
                DecoderSession session = opened.keep(DecoderSession.open(ModelDirectory.open(dir), inference));
                models.add(ModelDrafter.withWindowFor(String.valueOf(dir.getFileName()), session, decoding.k()));
            }
            // closed after the drafters, whose decoders may run on the sessions it opened for a policy version
            DraftModelSwitch modelSwitch = opened.keep(new DraftModelSwitch(models, inference));
            List<TailSource> drafters = new ArrayList<>();
            models.forEach(model -> drafters.add(TailSource.runAhead(opened.keep(model))));
            lookups.forEach(drafter -> drafters.add(TailSource.lookup(drafter, window)));
            TextTokenizer tokenizer = opened.keep(TextTokenizer.open(target.tokenizerFile()));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics.startEndpoint(registry).ifPresent(opened::keep);
            DraftLoop loop = new DraftLoop(drafters, new PromptEncoder(tokenizer, target.config()),
                    connection.settings(), connection.catalogue(), groupId, verifyGroupId, registry);
            if (!models.isEmpty()) {
                loop.followPolicies(modelSwitch);
            }
            UntilStopped.run(loop, spec.commandLine().getOut(), "draft-service", opened::close);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return 0;
    }
}
