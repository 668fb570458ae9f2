package io.specstream.verify.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.specstream.inference.model.ModelDirectory;
import io.specstream.inference.runtime.DecoderSession;
import io.specstream.inference.runtime.InferenceOptions;
import io.specstream.inference.text.PromptEncoder;
import io.specstream.inference.text.TextTokenizer;
import io.specstream.schemas.avro.AcceptanceBatch;
import io.specstream.schemas.avro.AcceptanceEvent;
import io.specstream.schemas.avro.DeadLetter;
import io.specstream.schemas.avro.PolicyStatus;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.avro.SequenceSnapshot;
import io.specstream.schemas.registry.RestSchemaRegistryClient;
import io.specstream.schemas.registry.SchemaRegistry;
import io.specstream.topology.admin.SchemaBootstrap;
import io.specstream.topology.admin.TopicBootstrap;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.client.ClientSettings;
import io.specstream.topology.client.PolicyPublisher;
import io.specstream.topology.json.JsonRecordCodec;
import io.specstream.topology.testing.TestCluster;
import io.specstream.topology.testing.TopicReader;
import io.specstream.verify.VerifyConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One real broker and registry for a test class — in-process, or another process's ({@link #on}); each test gets
 * its own topics (a fresh prefix).
 */
public final class PipelineFixture implements AutoCloseable {

    private final ClientSettings settings;
    private final Supplier<SchemaRegistry> registries;
    private final AutoCloseable owned;

    /** A fixture on an in-process broker and registry of its own. */
    public PipelineFixture() {
        this(TestCluster.start(new TopicCatalogue("base-", 1)));
    }

    private PipelineFixture(TestCluster cluster) {
        this(cluster.settings(), cluster::registry, cluster);
    }

    private PipelineFixture(ClientSettings settings, Supplier<SchemaRegistry> registries, AutoCloseable owned) {
        this.settings = settings;
        this.registries = registries;
        this.owned = owned;
    }

    /** A fixture on a broker and registry someone else runs (another process): closing it leaves them be. */
    public static PipelineFixture on(ClientSettings settings) {
        return new PipelineFixture(settings, () -> new RestSchemaRegistryClient(settings.schemaRegistryUrl()), () -> {
        });
    }

    public static Path models() {
        String configured = System.getProperty("specstream.models.dir");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "models");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("models directory " + root.toAbsolutePath() + " not found");
        }
        return root;
    }

    /**
     * The shipped example prompts (examples/prompts/rl-math.jsonl), each with {@code samples} samples and at most
     * {@code maxNewTokens} tokens.
     */
    public static List<RolloutRequest> shippedPrompts(int samples, int maxNewTokens) {
        Path file = models().resolveSibling("examples").resolve("prompts").resolve("rl-math.jsonl");
        JsonRecordCodec codec = new JsonRecordCodec();
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank())
                    .map(line -> RolloutRequest.newBuilder(codec.fromJson(line, RolloutRequest.class))
                            .setNSamples(samples).setMaxNewTokens(maxNewTokens).build())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * {@code requests} with every other one sampled at T = 1 with a seed of its own ({@code seedBase + i}): a crash,
     * a rebalance or a resumed prefix must not disturb the noise either.
     */
    public static List<RolloutRequest> everyOtherAtTemperatureOne(List<RolloutRequest> requests, int seedBase) {
        List<RolloutRequest> mixed = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            mixed.add(i % 2 == 0 ? requests.get(i)
                    : RolloutRequest.newBuilder(requests.get(i)).setTemperature(1f).setSeed(seedBase + i).build());
        }
        return mixed;
    }

    public static VerifyConfig verifyConfig(int maxDraftTokens) {
        return verifyConfig(maxDraftTokens, 64);
    }

    /**
     * At most {@code maxBatch} sequences per step. With {@code maxBatch} = a request's samples, requests are decoded
     * one at a time: while one is, a decoupled drafter drafts ahead for those queued, whose tails are then on hand at
     * their admission — drafts reach the verifier in time however slow the machine. Every usable draft is verified
     * ({@code widest}), so what a test asserts of drafts does not hang on this machine's step times (the goodput
     * controller's choice).
     */
    public static VerifyConfig verifyConfig(int maxDraftTokens, int maxBatch) {
        return new VerifyConfig(maxBatch, 512, maxDraftTokens, models().resolve("target"), InferenceOptions.cpu(1),
                VerifyConfig.StepWidth.WIDEST);
    }

    public static DecoderSession session(String model) {
        return DecoderSession.open(ModelDirectory.open(models().resolve(model)), InferenceOptions.cpu(1));
    }

    public static TextTokenizer tokenizer() {
        return TextTokenizer.open(ModelDirectory.open(models().resolve("target")).tokenizerFile());
    }

    /**
     * How many usable tails of draft-service's {@code drafter} a verifier's step thread has received, as the
     * {@link VerifyMetrics} in {@code meters} count them (0 before the first).
     */
    public static double tailsReceived(MeterRegistry meters, String drafter) {
        Counter tails = meters.find(VerifyMetrics.DRAFT_TAILS).tag(VerifyMetrics.DRAFTER_TAG, drafter).counter();
        return tails == null ? 0 : tails.count();
    }

    public static PromptEncoder encoder(TextTokenizer tokenizer) {
        return new PromptEncoder(tokenizer, ModelDirectory.open(models().resolve("target")).config());
    }

    public SchemaRegistry registry() {
        return registries.get();
    }

    public ClientSettings settings() {
        return settings;
    }

    /** Fresh topics (2 partitions) under a new prefix, with their schemas registered. */
    public TopicCatalogue freshTopics() {
        TopicCatalogue catalogue = new TopicCatalogue("t" + UUID.randomUUID().toString().substring(0, 8) + "-", 2);
        try (Admin admin = Admin.create(settings().admin())) {
            new TopicBootstrap(admin, catalogue).ensureTopics();
        }
        new SchemaBootstrap(registry(), catalogue).registerAll();
        return catalogue;
    }

    public void publish(TopicCatalogue catalogue, List<RolloutRequest> requests) {
        String topic = catalogue.name(Topics.PROMPTS);
        var serializer = Topics.PROMPTS.valueSerde(registry()).serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings().producer())) {
            for (RolloutRequest request : requests) {
                producer.send(new ProducerRecord<>(topic, request.getRequestId().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topic, request))).get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot publish prompts", e);
        }
    }

    /** Publishes {@code request} to prompts partition {@code partition}; returns its offset. */
    public long publishTo(TopicCatalogue catalogue, int partition, RolloutRequest request) {
        String topic = catalogue.name(Topics.PROMPTS);
        var serializer = Topics.PROMPTS.valueSerde(registry()).serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings().producer())) {
            return producer.send(new ProducerRecord<>(topic, partition,
                    request.getRequestId().getBytes(StandardCharsets.UTF_8), serializer.serialize(topic, request)))
                    .get().offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot publish prompt", e);
        }
    }

    /** Writes {@code snapshot} to the sequences partition {@code partition}, keyed like the verifier keys it. */
    public void publishSnapshot(TopicCatalogue catalogue, int partition, SequenceSnapshot snapshot) {
        String topic = catalogue.name(Topics.SEQUENCES);
        var serializer = Topics.SEQUENCES.valueSerde(registry()).serializer();
        String key = snapshot.getRequestId() + "#" + snapshot.getSampleIndex();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings().producer())) {
            producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(topic, snapshot))).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot publish snapshot", e);
        }
    }

    /** Every record on the sequences topic now (tombstones have a null value), in partition order. */
    public List<ConsumerRecord<String, SequenceSnapshot>> snapshots(TopicCatalogue catalogue) {
        Deserializer<SequenceSnapshot> values = Topics.SEQUENCES.valueSerde(registry()).deserializer();
        return TopicReader.readToEnd(settings().kafkaCommon(), catalogue.name(Topics.SEQUENCES),
                new StringDeserializer(), values);
    }

    /** Publishes policy version {@code version} decoded by the model in {@code modelDir}, as a trainer would. */
    public void publishPolicy(TopicCatalogue catalogue, long version, Path modelDir) {
        new PolicyPublisher(settings(), catalogue, registry()).publish(version, modelDir, List.of());
    }

    /** Whether every instance in {@code instances} reported policy version {@code version} loaded. */
    public boolean policyLoaded(TopicCatalogue catalogue, long version, List<String> instances) {
        Map<String, PolicyStatus> newest = new HashMap<>();
        TopicReader.readToEnd(settings().kafkaCommon(), catalogue.name(Topics.POLICY_STATUS), new StringDeserializer(),
                Topics.POLICY_STATUS.valueSerde(registry()).deserializer())
                .forEach(record -> newest.put(record.key(), record.value()));
        return instances.stream().allMatch(instance -> newest.containsKey(instance)
                && newest.get(instance).getLoaded().contains(version));
    }

    public void publishRaw(TopicCatalogue catalogue, String key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings().producer())) {
            producer.send(new ProducerRecord<>(catalogue.name(Topics.PROMPTS), key.getBytes(StandardCharsets.UTF_8),
                    value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot publish raw prompt", e);
        }
    }

    public List<DeadLetter> deadLetters(TopicCatalogue catalogue, int count) {
        Deserializer<DeadLetter> values = Topics.DEAD_LETTERS.valueSerde(registry()).deserializer();
        return TopicReader.read(settings().kafkaCommon(), catalogue.name(Topics.DEAD_LETTERS), count,
                new StringDeserializer(), values).stream().map(ConsumerRecord::value).toList();
    }

    /** Sum over partitions of the prompt offsets {@code groupId} has committed. */
    public long committedPromptOffsets(String groupId) {
        try (Admin admin = Admin.create(settings().admin())) {
            return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(OffsetAndMetadata::offset).sum();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot read offsets of " + groupId, e);
        }
    }

    /** Rollouts a read_committed consumer sees, keyed "request#sample"; waits for {@code count} of them. */
    public Map<String, Rollout> rollouts(TopicCatalogue catalogue, int count) {
        Deserializer<Rollout> values = Topics.ROLLOUTS.valueSerde(registry()).deserializer();
        return bySequence(TopicReader.read(settings().kafkaCommon(), catalogue.name(Topics.ROLLOUTS), count,
                new StringDeserializer(), values));
    }

    /** Every rollout committed so far, keyed "request#sample"; a second rollout for a sequence fails the test. */
    public Map<String, Rollout> allRollouts(TopicCatalogue catalogue) {
        Deserializer<Rollout> values = Topics.ROLLOUTS.valueSerde(registry()).deserializer();
        return bySequence(TopicReader.readToEnd(settings().kafkaCommon(), catalogue.name(Topics.ROLLOUTS),
                new StringDeserializer(), values));
    }

    private static Map<String, Rollout> bySequence(List<ConsumerRecord<String, Rollout>> records) {
        Map<String, Rollout> byKey = new HashMap<>();
        for (ConsumerRecord<String, Rollout> record : records) {
            Rollout rollout = record.value();
            Rollout earlier = byKey.put(rollout.getRequestId() + "#" + rollout.getSampleIndex(), rollout);
            if (earlier != null) {
                throw new AssertionError("a second rollout for " + rollout.getRequestId() + "#" + rollout.getSampleIndex());
            }
        }
        return byKey;
    }

    /** Whether an acceptance event matching {@code wanted} appears (in a step's batch) before a generous deadline. */
    public boolean acceptanceShows(TopicCatalogue catalogue, Predicate<AcceptanceEvent> wanted) {
        Deserializer<AcceptanceBatch> values = Topics.ACCEPTANCE.valueSerde(registry()).deserializer();
        Map<String, Object> config = new HashMap<>(settings().kafkaCommon());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "acceptance-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, AcceptanceBatch> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(catalogue.name(Topics.ACCEPTANCE)));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, AcceptanceBatch> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value().getEvents().stream().anyMatch(wanted)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the broker", e);
        }
    }
}
