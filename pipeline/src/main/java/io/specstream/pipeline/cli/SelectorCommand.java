package io.specstream.pipeline.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.specstream.selector.SelectorConfig;
import io.specstream.selector.SelectorService;
import io.specstream.topology.cli.ConnectionOptions;
import io.specstream.topology.metrics.MetricsEndpoint;
import io.specstream.topology.metrics.MetricsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code specstream selector}: the Fastest-of-N selector as its own process, until Ctrl-C or SIGTERM:
 * <pre>
 * specstream selector --bootstrap-servers broker:9092 --full-batch 64 --k-max 12
 * specstream selector --metrics-port 9466      # Prometheus metrics at http://127.0.0.1:9466/metrics
 * </pre>
 */
@Command(name = "selector", mixinStandardHelpOptions = true,
        description = "Run selector-service (acceptance events in, per-request drafter assignments out) until Ctrl-C.")
public final class SelectorCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--decay", paramLabel = "D", defaultValue = "" + SelectorConfig.DEFAULT_DECAY,
            description = "Weight the past keeps per observation, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double decay;

    @Option(names = "--min-observations", paramLabel = "N", defaultValue = "" + SelectorConfig.DEFAULT_MIN_OBSERVATIONS,
            description = "Steps of evidence before a request gets an assignment (default: ${DEFAULT-VALUE}).")
    int minObservations;

    @Option(names = "--switch-margin", paramLabel = "F", defaultValue = "" + SelectorConfig.DEFAULT_SWITCH_MARGIN,
            description = "How much better (fraction) a challenger must be to replace the primary "
                    + "(default: ${DEFAULT-VALUE}).")
    double switchMargin;

    @Option(names = "--idle-batch", paramLabel = "N", defaultValue = "" + SelectorConfig.DEFAULT_IDLE_BATCH,
            description = "Verify batch size at or below which all drafters run (default: ${DEFAULT-VALUE}).")
    int idleBatch;

    @Option(names = "--full-batch", paramLabel = "N", defaultValue = "" + SelectorConfig.DEFAULT_FULL_BATCH,
            description = "Verify batch size at or above which the verifier is full (default: ${DEFAULT-VALUE}).")
    int fullBatch;

    @Option(names = "--draft-idle", paramLabel = "F", defaultValue = "" + SelectorConfig.DEFAULT_DRAFT_IDLE,
            description = "Heartbeat busy fraction at or below which drafting is idle (default: ${DEFAULT-VALUE}).")
    double draftIdle;

    @Option(names = "--draft-busy", paramLabel = "F", defaultValue = "" + SelectorConfig.DEFAULT_DRAFT_BUSY,
            description = "Heartbeat busy fraction at or above which drafting is saturated "
                    + "(default: ${DEFAULT-VALUE}).")
    double draftBusy;

    @Option(names = "--k-min", paramLabel = "K", defaultValue = "" + SelectorConfig.DEFAULT_K_MIN,
            description = "Draft length at a full batch (default: ${DEFAULT-VALUE}).")
    int kMin;

    @Option(names = "--k-base", paramLabel = "K", defaultValue = "" + SelectorConfig.DEFAULT_K_BASE,
            description = "Draft length at an idle batch with ordinary acceptance (default: ${DEFAULT-VALUE}).")
    int kBase;

    @Option(names = "--k-max", paramLabel = "K", defaultValue = "" + SelectorConfig.DEFAULT_K_MAX,
            description = "Draft length at an idle batch with high acceptance (default: ${DEFAULT-VALUE}).")
    int kMax;

    @Option(names = "--high-acceptance", paramLabel = "F", defaultValue = "" + SelectorConfig.DEFAULT_HIGH_ACCEPTANCE,
            description = "Primary's accepted/proposed that counts as high (default: ${DEFAULT-VALUE}).")
    double highAcceptance;

    @Option(names = "--heartbeat-staleness-ms", paramLabel = "MS",
            defaultValue = "" + SelectorConfig.DEFAULT_HEARTBEAT_STALENESS_MS,
            description = "Draft heartbeats older than this are ignored (default: ${DEFAULT-VALUE}).")
    long heartbeatStalenessMs;

    @Option(names = "--application-id-suffix", paramLabel = "SUFFIX",
            defaultValue = SelectorConfig.DEFAULT_APPLICATION_ID_SUFFIX,
            description = "Appended to the Kafka Streams application id (default: none).")
    String applicationIdSuffix;

    @Option(names = "--commit-interval-ms", paramLabel = "MS",
            defaultValue = "" + SelectorConfig.DEFAULT_COMMIT_INTERVAL_MS,
            description = "Kafka Streams commit interval (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Kafka Streams state directory (default: a temporary directory; stores restore from "
                    + "their changelogs).")
    Path stateDir;

    @Option(names = "--start-timeout-ms", paramLabel = "MS", defaultValue = "" + SelectorConfig.DEFAULT_START_TIMEOUT_MS,
            description = "How long to wait for the streams instance to run (default: ${DEFAULT-VALUE}).")
    long startTimeoutMs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        SelectorConfig config = config();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Optional<MetricsEndpoint> endpoint = metrics.startEndpoint(registry);
        SelectorService service = new SelectorService(connection.settings(), connection.catalogue(), config, registry);
        Thread hook = new Thread(service::close, "selector-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Optional<Throwable> failure;
        try {
            service.start();
            spec.commandLine().getOut().println("selector " + service.applicationId()
                    + " is running; press Ctrl-C to stop.");
            spec.commandLine().getOut().flush();
            failure = service.awaitTermination();
        } finally {
            service.close();
            endpoint.ifPresent(MetricsEndpoint::close);
        }
        if (failure.isPresent()) {
            throw new IllegalStateException("the selector stopped: " + failure.get().getMessage(), failure.get());
        }
        return 0;
    }

    /** The options as a validated config; a bad value fails here with the flag's name. */
    SelectorConfig config() {
        return new SelectorConfig(decay, minObservations, switchMargin, idleBatch, fullBatch, draftIdle, draftBusy,
                kMin, kBase, kMax, highAcceptance, Duration.ofMillis(heartbeatStalenessMs), applicationIdSuffix,
                Duration.ofMillis(commitIntervalMs), Optional.ofNullable(stateDir), Duration.ofMillis(startTimeoutMs));
    }
}
