package io.specstream.pipeline.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.specstream.contract.Drafter;
import io.specstream.draft.ModelDrafter;
import io.specstream.draft.ModelFreeDrafters;
import io.specstream.pipeline.cli.UntilStopped;
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
import io.specstream.verify.VerifyConfig;
import io.specstream.verify.VerifyEngine;
import io.specstream.verify.policy.PolicyConfig;
import io.specstream.verify.service.VerifyLoop;
import io.specstream.verify.service.VerifierDrafting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code specstream verify}: one verify-service instance against any cluster, until Ctrl-C:
 * <pre>
 * specstream verify --bootstrap-servers broker:9092 --schema-registry-url http://registry:8081 --k 4
 * specstream verify --metrics-port 9464      # Prometheus metrics at http://127.0.0.1:9464/metrics
 * specstream verify --live-policies 3        # keep the newest 3 policy versions (specstream policy publish)
 * </pre>
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Run verify-service (target model, verification, rollouts) until Ctrl-C.")
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    DecodingOptions decoding;

    @Mixin
    StepWidthOption stepWidth;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--model-dir", paramLabel = "DIR", defaultValue = "models/target",
            description = "Target model directory (default: ${DEFAULT-VALUE}).")
    Path modelDir;

    @Option(names = "--group-id", paramLabel = "ID", defaultValue = ConsumerGroups.VERIFY,
            description = "Consumer group of the verify instances (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--transactional-id", paramLabel = "ID", defaultValue = "verify-service-0",
            description = "Transactional id, unique per verify instance (default: ${DEFAULT-VALUE}).")
    String transactionalId;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "64",
            description = "Most sequences in one verify step; a request with more samples is refused "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--coupled-draft-model-dir", paramLabel = "DIR",
            description = "Draft inside this verifier, in lock step, with this draft model: the coupled baseline "
                    + "(default: none; drafts come from draft-service over the draft-batches topic).")
    Path coupledDraftDir;

    @Option(names = "--model-free", paramLabel = "NAMES", defaultValue = "none",
            description = "Model-free drafters to run inside this verifier (no topic hop): a comma-separated list of "
                    + "ngram, suffix, or none (default: ${DEFAULT-VALUE}). The selector's assignments rank them with "
                    + "draft-service's drafters.")
    String modelFree;

    @Option(names = "--draft-service-drafters", paramLabel = "NAMES", split = ",",
            description = "The drafters draft-service runs (comma-separated, e.g. draft-small,draft-tiny). Given, an "
                    + "assignment naming a drafter that neither draft-service nor this verifier runs becomes a dead "
                    + "letter and the request keeps its drafters (default: not known; any name is taken).")
    List<String> draftServiceDrafters;

    @Option(names = "--live-policies", paramLabel = "N", defaultValue = "2",
            description = "Policy versions a request may name at once: the newest N published (version 0 is "
                    + "--model-dir); older ones retire once their running requests finish (default: ${DEFAULT-VALUE}).")
    int livePolicies;

    @Option(names = "--policy-wait-ms", paramLabel = "MS", defaultValue = "600000",
            description = "How long a request naming a policy version not loaded yet waits before it becomes a dead "
                    + "letter (default: ${DEFAULT-VALUE}).")
    long policyWaitMs;

    @Option(names = "--draft-service", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Whether a draft-service follows this verifier: reads draft-batches and publishes "
                    + "commit-batches. --no-draft-service publishes no per-step commits (default: on).")
    boolean draftService;

    @Option(names = "--selector", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Whether a selector ranks drafters for this verifier: reads assignments and publishes "
                    + "acceptance-batches. --no-selector publishes no per-step acceptance (default: on).")
    boolean selector;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ModelDirOption.require(spec, "--model-dir", modelDir);
        if (coupledDraftDir != null) {
            ModelDirOption.require(spec, "--coupled-draft-model-dir", coupledDraftDir);
        }
        List<Drafter> inVerifier;
        try {
            inVerifier = ModelFreeDrafters.create("--model-free", modelFree);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (coupledDraftDir != null && !inVerifier.isEmpty()) {
            throw new ParameterException(spec.commandLine(),
                    "--coupled-draft-model-dir and --model-free exclude each other; give one of them");
        }
        if (maxBatch < 1) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--max-batch': " + maxBatch + "; allowed values: an integer >= 1");
        }
        PolicyConfig policies;
        try {
            policies = new PolicyConfig(livePolicies, Duration.ofMillis(policyWaitMs));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().replace(PolicyConfig.LIVE_POLICIES,
                    "--live-policies").replace(PolicyConfig.POLICY_WAIT_MS, "--policy-wait-ms"));
        }
        ModelDirectory model = ModelDirectory.open(modelDir);
        InferenceOptions inference = InferenceOptions.of("--execution-provider", decoding.executionProvider(), decoding.threads());
        OpenedResources opened = new OpenedResources();
        try {
            // drafts of up to twice the default k, as in specstream run: the goodput controller verifies as much of
            // them as its step costs make worth it
            int maxDraft = coupledDraftDir == null ? 2 * decoding.k() : decoding.k();
            VerifyEngine engine = opened.keep(VerifyEngine.open(new VerifyConfig(maxBatch, 512, maxDraft, modelDir, inference,
                    stepWidth.width())));
            TextTokenizer tokenizer = opened.keep(TextTokenizer.open(model.tokenizerFile()));
            VerifierDrafting drafting = new VerifierDrafting(inVerifier, maxDraft, draftService, selector,
                    Optional.empty());
            if (draftServiceDrafters != null) {
                drafting = drafting.withDraftServiceDrafters(Set.copyOf(draftServiceDrafters));
            }
            if (coupledDraftDir != null) {
                DecoderSession session = opened.keep(DecoderSession.open(ModelDirectory.open(coupledDraftDir), inference));
                drafting = VerifierDrafting.coupled(opened.keep(ModelDrafter.withWindowFor(
                        String.valueOf(coupledDraftDir.getFileName()), session, decoding.k())), decoding.k());
            }
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics.startEndpoint(registry).ifPresent(opened::keep);
            VerifyLoop loop = new VerifyLoop(engine, new PromptEncoder(tokenizer, model.config()),
                    connection.settings(), connection.catalogue(), groupId, transactionalId, drafting, registry)
                    .withPolicies(policies);
            UntilStopped.run(loop, spec.commandLine().getOut(), "verify-service", opened::close);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return 0;
    }
}
