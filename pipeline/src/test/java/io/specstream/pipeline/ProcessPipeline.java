package io.specstream.pipeline;

import io.specstream.verify.service.PipelineFixture;

import io.specstream.topology.catalogue.ConsumerGroups;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.embedded.FreePort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pipeline as an operator runs it: {@code specstream up} (the embedded broker and registry, on a persistent data
 * directory), and {@code specstream verify} / {@code specstream draft} instances, each a JVM of its own
 * ({@link ServiceProcess}), all with one {@code --client-config} file. The client settings shorten how long a group
 * waits for a silent member and how long a dead producer's transaction stays open, so a kill is noticed in seconds:
 * {@code session.timeout.ms=6000} (the broker's minimum), {@code transaction.timeout.ms=10000}.
 */
final class ProcessPipeline implements AutoCloseable {

    static final int PARTITIONS = 2;
    static final String VERIFY_GROUP = ConsumerGroups.VERIFY;
    static final String DRAFT_GROUP = ConsumerGroups.DRAFT;
    static final Map<String, String> QUICK_FAILURE_DETECTION = Map.of(
            "session.timeout.ms", "6000",
            "heartbeat.interval.ms", "1000",
            "transaction.timeout.ms", "10000");
    /**
     * For an instance a test holds ({@link ServiceProcess#pause()}) through another's takeover, which takes about one
     * quick session timeout: its group membership and open transaction wait for it.
     */
    static final Map<String, String> OUTLASTS_A_PAUSE = Map.of(
            "session.timeout.ms", "45000",
            "heartbeat.interval.ms", "1000",
            "transaction.timeout.ms", "60000");

    private static final int LOG_TAIL_LINES = 40;

    private final Path work;
    private final int brokerPort = FreePort.pick();
    private final int registryPort = FreePort.pick();
    private final Path clientConfig;
    private final List<ServiceProcess> started = new ArrayList<>();
    private ServiceProcess broker;

    ProcessPipeline(Path work) {
        this.work = work;
        this.clientConfig = clientConfig("client", QUICK_FAILURE_DETECTION);
    }

    /** A pipeline in {@code work} whose broker and registry are up. */
    static ProcessPipeline started(Path work) {
        ProcessPipeline pipeline = new ProcessPipeline(work);
        pipeline.startBroker();
        return pipeline;
    }

    /** Starts (or starts again, on the same ports and data directory) the broker and registry; waits until up. */
    ServiceProcess startBroker() {
        broker = keep(ServiceProcess.start("broker", work.resolve("logs"), "up", "--data-dir",
                work.resolve("kafka-data").toString(), "--bootstrap-servers", bootstrapServers(),
                "--schema-registry-url", schemaRegistryUrl(), "--partitions", String.valueOf(PARTITIONS)));
        broker.awaitPrinted("SpecStream is up");
        return broker;
    }

    /** {@code kill -9} of the broker and registry process. */
    void killBroker() {
        broker.kill();
    }

    /** A verify-service instance, transactional id = {@code name}, at most {@code maxBatch} sequences per step. */
    ServiceProcess verify(String name, int maxBatch) {
        return verify(name, maxBatch, clientConfig);
    }

    /** As {@link #verify(String, int)}, with client settings of its own, such as {@link #OUTLASTS_A_PAUSE}. */
    ServiceProcess verify(String name, int maxBatch, Map<String, String> clientSettings) {
        return verify(name, maxBatch, clientConfig(name, clientSettings));
    }

    private ServiceProcess verify(String name, int maxBatch, Path config) {
        return keep(ServiceProcess.start(name, work.resolve("logs"), withConnection(config, "verify",
                "--group-id", VERIFY_GROUP, "--transactional-id", name, "--max-batch", String.valueOf(maxBatch),
                "--model-dir", models().resolve("target").toString(), "--metrics-port", "0")));
    }

    /** A draft-service instance with the draft-tiny model. */
    ServiceProcess draft(String name) {
        return keep(ServiceProcess.start(name, work.resolve("logs"), withConnection(clientConfig, "draft",
                "--group-id", DRAFT_GROUP, "--verify-group-id", VERIFY_GROUP,
                "--draft-model-dir", models().resolve("draft-tiny").toString(),
                "--model-dir", models().resolve("target").toString(), "--metrics-port", "0")));
    }

    /** What the test's own clients (the trainer's side) use. */
    ClientSettings settings() {
        return new ClientSettings(bootstrapServers(), schemaRegistryUrl(), QUICK_FAILURE_DETECTION);
    }

    /** The test's side of this pipeline's broker and registry. */
    PipelineFixture fixture() {
        return PipelineFixture.on(settings());
    }

    /** A trainer-side watch of the rollouts topic, from its beginning. */
    RolloutWatch watchRollouts() {
        return new RolloutWatch(settings(), fixture().registry(), catalogue());
    }

    TopicCatalogue catalogue() {
        return new TopicCatalogue(TopicCatalogue.DEFAULT_PREFIX, PARTITIONS);
    }

    private String[] withConnection(Path config, String subcommand, String... args) {
        List<String> all = new ArrayList<>(List.of(subcommand, "--bootstrap-servers", bootstrapServers(),
                "--schema-registry-url", schemaRegistryUrl(), "--client-config", config.toString(),
                "--partitions", String.valueOf(PARTITIONS)));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** Writes {@code settings} as {@code work/name.properties}, a {@code --client-config} file. */
    private Path clientConfig(String name, Map<String, String> settings) {
        Path file = work.resolve(name + ".properties");
        StringBuilder properties = new StringBuilder();
        settings.forEach((key, value) -> properties.append(key).append('=').append(value).append('\n'));
        try {
            Files.writeString(file, properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    private String schemaRegistryUrl() {
        return "http://127.0.0.1:" + registryPort;
    }

    private static Path models() {
        return PipelineFixture.models().toAbsolutePath();
    }

    private ServiceProcess keep(ServiceProcess process) {
        started.add(process);
        return process;
    }

    /** The last lines each process printed, for a failure message. */
    String logTails() {
        StringBuilder tails = new StringBuilder();
        for (ServiceProcess process : started) {
            tails.append("--- ").append(process.name()).append(process.isAlive() ? "" : " (exited)").append(":\n")
                    .append(process.logTail(LOG_TAIL_LINES)).append('\n');
        }
        return tails.toString();
    }

    /** Kills whatever still runs, services first, the broker last. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }
}
