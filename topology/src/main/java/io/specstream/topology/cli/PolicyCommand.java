package io.specstream.topology.cli;

import io.specstream.schemas.avro.PolicyStatus;
import io.specstream.schemas.avro.PolicyVersion;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.TopicSpec;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.client.PolicyPublisher;
import io.specstream.topology.client.TopicSnapshot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code specstream policy}: a trainer's new weights for the pipeline, and what each verify instance has loaded.
 * <pre>
 * specstream policy publish --version 3 --model-dir /models/policy-v3 --draft-model-dir /models/draft-v3
 * specstream policy list
 * </pre>
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Publish a policy version (new target weights) or list the versions and what each verify "
                + "instance has loaded.",
        subcommands = {PolicyCommand.Publish.class, PolicyCommand.ListVersions.class})
public final class PolicyCommand {

    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    /** {@code specstream policy publish}. */
    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Publish a policy version on the policies topic; every verify instance loads it in the "
                    + "background and decodes new requests with it.")
    static final class Publish implements Runnable {

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--version", required = true, paramLabel = "N",
                description = "Version number, 1 or more (0 is each verifier's own --model-dir).")
        long version;

        @Option(names = "--model-dir", required = true, paramLabel = "DIR",
                description = "Target model directory (model.onnx, config.json, tokenizer.json), as the verify "
                        + "instances see it: a shared volume. Published as an absolute path.")
        Path modelDir;

        @Option(names = "--check", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Check here that --model-dir holds a model. --no-check publishes a path only the "
                        + "verify instances can see, e.g. inside their containers (default: check).")
        boolean check;

        @Option(names = "--draft-model-dir", paramLabel = "DIR",
                description = "Draft model directories for draft-service (repeatable; default: none, keep its own).")
        List<Path> draftModelDirs = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            if (version < 1) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--version': " + version
                        + "; allowed values: an integer >= 1 (0 is each verifier's own model)");
            }
            if (check) {
                requireModel("--model-dir", modelDir);
                draftModelDirs.forEach(dir -> requireModel("--draft-model-dir", dir));
            }
            ClientSettings settings = connection.settings();
            TopicCatalogue catalogue = connection.catalogue();
            PolicyVersion record = new PolicyPublisher(settings, catalogue, connection.registry(settings))
                    .publish(version, modelDir, draftModelDirs);
            spec.commandLine().getOut().println("published policy version " + version + ": " + record.getModelDir()
                    + " to " + catalogue.name(Topics.POLICIES));
        }

        /** A model directory holds model.onnx and config.json; the error names the flag. */
        private void requireModel(String flag, Path dir) {
            if (!Files.isRegularFile(dir.resolve("model.onnx")) || !Files.isRegularFile(dir.resolve("config.json"))) {
                throw new ParameterException(spec.commandLine(), flag + " " + dir + " is not a model directory "
                        + "(model.onnx and config.json expected; --no-check publishes it unchecked)");
            }
        }
    }

    /** {@code specstream policy list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the published policy versions and what each verify instance has loaded.")
    static final class ListVersions implements Runnable {

        @Mixin
        ConnectionOptions connection;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            ClientSettings settings = connection.settings();
            TopicCatalogue catalogue = connection.catalogue();
            SchemaRegistry registry = connection.registry(settings);
            Map<String, PolicyVersion> versions = latest(settings, catalogue, registry, Topics.POLICIES);
            Map<String, PolicyStatus> instances = latest(settings, catalogue, registry, Topics.POLICY_STATUS);
            PrintWriter out = spec.commandLine().getOut();
            out.println("published versions (" + versions.size() + "):");
            versions.values().stream()
                    .sorted((a, b) -> Long.compare(a.getVersion(), b.getVersion()))
                    .forEach(version -> out.println("  " + version.getVersion() + "  " + version.getModelDir()
                            + (version.getDraftModelDirs().isEmpty() ? "" : "  drafts " + version.getDraftModelDirs())
                            + "  published " + Instant.ofEpochMilli(version.getPublishedAtMs())));
            out.println("verify instances (" + instances.size() + "):");
            instances.values().forEach(status -> out.println("  " + status.getInstance()
                    + "  loaded " + list(status.getLoaded())
                    + "  admitting " + (status.getAdmitting() == null ? "none" : status.getAdmitting())
                    + "  loading " + list(status.getLoading())
                    + (status.getFailed().isEmpty() ? "" : "  failed " + status.getFailed())
                    + "  as of " + Instant.ofEpochMilli(status.getUpdatedAtMs())));
            out.flush();
        }

        private static String list(List<Long> versions) {
            return versions.isEmpty() ? "none" : versions.stream().map(String::valueOf).collect(Collectors.joining(","));
        }

        /** The newest record per key of a compacted topic (compaction may not have run yet), tombstones removing. */
        private static <V> Map<String, V> latest(ClientSettings settings, TopicCatalogue catalogue,
                                                 SchemaRegistry registry, TopicSpec<String, V> topic) {
            Map<String, V> newest = new TreeMap<>();
            for (ConsumerRecord<String, V> record : TopicSnapshot.readToEnd(settings.consumer("unused", true),
                    catalogue.name(topic), topic.keySerde(registry).deserializer(),
                    topic.valueSerde(registry).deserializer(), READ_DEADLINE)) {
                if (record.value() == null) {
                    newest.remove(record.key());
                } else {
                    newest.put(record.key(), record.value());
                }
            }
            return newest;
        }
    }
}
