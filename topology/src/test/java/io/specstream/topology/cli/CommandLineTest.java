package io.specstream.topology.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.schemas.avro.PolicyStatus;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.testing.TestCluster;
import io.specstream.topology.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real cluster: topics, submit, tail, and errors that name the flag. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandLineTest {

    private static final String ROLLOUT = "{\"request_id\": \"q-1\", \"sample_index\": 2, \"prompt_token_ids\": [1, 40],"
            + " \"response_token_ids\": [41, 42, 2], \"response_text\": \"Answer: 7\", \"logprobs\": [-0.5, -0.25, -0.125],"
            + " \"scaled_logprobs\": [-0.5, -0.25, -0.125], \"finish_reason\": \"EOS\", \"prompt_tokens\": 2,"
            + " \"response_tokens\": 3}";

    private TestCluster cluster;
    private List<String> connection;

    @BeforeAll
    void start() {
        cluster = TestCluster.start(new TopicCatalogue("cli.", 2));
        connection = List.of("--bootstrap-servers", cluster.settings().bootstrapServers(),
                "--schema-registry-url", cluster.settings().schemaRegistryUrl(), "--topic-prefix", "cli.",
                "--partitions", "2");
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void submitPublishesEachLineKeyedByRequestId(@TempDir Path dir) throws Exception {
        Path prompts = dir.resolve("prompts.jsonl");
        Files.writeString(prompts, "{\"request_id\": \"p-1\", \"prompt_text\": \"Q: 2 + 3?\\n\", \"n_samples\": 4}\n\n"
                + "{\"request_id\": \"p-2\", \"prompt_token_ids\": [1, 2, 3], \"temperature\": 1.0, \"seed\": 9}\n");

        CliRun run = CliRun.of(CliRun.with(connection, "submit", "--file", prompts.toString()));

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("submitted 2 records to cli.prompts"), run.out());
        var records = TopicReader.read(cluster.settings().kafkaCommon(), "cli.prompts", 2, new StringDeserializer(),
                Topics.PROMPTS.valueSerde(cluster.registry()).deserializer());
        var byKey = records.stream().collect(java.util.stream.Collectors.toMap(r -> r.key(), r -> r.value()));
        RolloutRequest first = byKey.get("p-1");
        assertEquals("Q: 2 + 3?\n", first.getPromptText());
        assertEquals(4, first.getNSamples());
        assertEquals(9L, byKey.get("p-2").getSeed());
    }

    @Test
    void tailPrintsAHandPublishedRolloutAsJson(@TempDir Path dir) throws Exception {
        Path rollout = dir.resolve("rollout.jsonl");
        Files.writeString(rollout, ROLLOUT + "\n");
        CliRun submitted = CliRun.of(CliRun.with(connection, "submit", "--topic", "rollouts", "--file", rollout.toString()));
        assertEquals(0, submitted.exitCode(), submitted.err());

        CliRun tail = CliRun.of(CliRun.with(connection, "tail", "--max-records", "1", "--idle-timeout-ms", "60000"));

        assertEquals(0, tail.exitCode(), tail.err());
        var json = new ObjectMapper().readTree(tail.out().lines().findFirst().orElseThrow());
        assertEquals("q-1", json.get("request_id").asText());
        assertEquals(2, json.get("sample_index").asInt());
        assertEquals("Answer: 7", json.get("response_text").asText());
        assertEquals(-0.25, json.get("logprobs").get(1).asDouble(), 1e-9);
        assertEquals("EOS", json.get("finish_reason").asText());
    }

    @Test
    void topicsCreateThenDescribeListsEveryCatalogueTopicUnderThePrefix() {
        List<String> other = List.of("--bootstrap-servers", cluster.settings().bootstrapServers(),
                "--schema-registry-url", cluster.settings().schemaRegistryUrl(), "--topic-prefix", "ops.",
                "--partitions", "3");
        CliRun created = CliRun.of(CliRun.with(other, "topics", "create"));
        CliRun again = CliRun.of(CliRun.with(other, "topics", "create"));
        CliRun described = CliRun.of(CliRun.with(other, "topics", "describe"));

        assertEquals(0, created.exitCode(), created.err());
        assertTrue(created.out().contains("ops.prompts") && created.out().contains("ops.prompts-value"), created.out());
        assertTrue(again.out().contains("created: []"), again.out());
        assertTrue(described.out().contains("ops.rollouts\tpartitions=3"), described.out());
        assertTrue(described.out().contains("ops._schemas\tpartitions=1"), described.out());
    }

    @Test
    void unknownTopicIsRefusedListingTheKnownOnes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("x.jsonl"), "{}\n");

        CliRun run = CliRun.of(CliRun.with(connection, "submit", "--topic", "promts", "--file", file.toString()));

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--topic") && run.err().contains("prompts"), run.err());
    }

    @Test
    void badLineIsReportedWithFileLineAndField(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), "{\"request_id\": \"ok\"}\n{\"request_id\": \"x\", \"n_sample\": 3}\n");

        CliRun run = CliRun.of(CliRun.with(connection, "submit", "--file", file.toString()));

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("line 2") && run.err().contains("'n_sample'"), run.err());
    }

    @Test
    void missingClientConfigFileIsNamed() {
        CliRun run = CliRun.of(CliRun.with(connection, "tail", "--client-config", "/nonexistent/client.properties",
                "--max-records", "1"));

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--client-config file /nonexistent/client.properties"), run.err());
    }

    @Test
    void policyPublishWritesTheVersionKeyedByItsNumberWithAnAbsoluteModelDir(@TempDir Path dir) throws Exception {
        Path model = fakeModel(dir.resolve("v5"));

        CliRun run = CliRun.of(CliRun.with(connection, "policy", "publish", "--version", "5", "--model-dir",
                model.toString()));

        assertEquals(0, run.exitCode(), run.err());
        var records = TopicReader.read(cluster.settings().kafkaCommon(), "cli.policies", 1, new StringDeserializer(),
                Topics.POLICIES.valueSerde(cluster.registry()).deserializer());
        assertEquals("5", records.get(0).key());
        assertEquals(5L, records.get(0).value().getVersion());
        assertEquals(model.toAbsolutePath().toString(), records.get(0).value().getModelDir());
    }

    @Test
    void policyPublishRefusesADirectoryWithoutAModelNamingTheFlag(@TempDir Path dir) {
        CliRun run = CliRun.of(CliRun.with(connection, "policy", "publish", "--version", "2", "--model-dir",
                dir.toString()));

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--model-dir " + dir + " is not a model directory"), run.err());
    }

    @Test
    void policyListShowsThePublishedVersionsAndWhatEachVerifierLoaded(@TempDir Path dir) throws Exception {
        TopicCatalogue other = new TopicCatalogue("cli-list.", 2);
        List<String> otherConnection = List.of("--bootstrap-servers", cluster.settings().bootstrapServers(),
                "--schema-registry-url", cluster.settings().schemaRegistryUrl(), "--topic-prefix", "cli-list.",
                "--partitions", "2");
        assertEquals(0, CliRun.of(CliRun.with(otherConnection, "topics", "create")).exitCode());
        Path model = fakeModel(dir.resolve("v1"));
        assertEquals(0, CliRun.of(CliRun.with(otherConnection, "policy", "publish", "--version", "1", "--model-dir",
                model.toString())).exitCode());
        publishStatus(other, PolicyStatus.newBuilder().setInstance("verify-7").setLoaded(List.of(0L, 1L))
                .setAdmitting(1L).setUpdatedAtMs(1).build());

        CliRun run = CliRun.of(CliRun.with(otherConnection, "policy", "list"));

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("  1  " + model.toAbsolutePath()), run.out());
        assertTrue(run.out().contains("verify-7  loaded 0,1  admitting 1  loading none"), run.out());
    }

    private static Path fakeModel(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.onnx"), "not read by publish");
        Files.writeString(dir.resolve("config.json"), "{}");
        return dir;
    }

    private void publishStatus(TopicCatalogue catalogue, PolicyStatus status) throws Exception {
        String topic = catalogue.name(Topics.POLICY_STATUS);
        try (var producer = new KafkaProducer<byte[], byte[]>(cluster.settings().producer())) {
            producer.send(new ProducerRecord<>(topic, status.getInstance().getBytes(StandardCharsets.UTF_8),
                    Topics.POLICY_STATUS.valueSerde(cluster.registry()).serializer().serialize(topic, status))).get();
        }
    }

    @Test
    void upRefusesANonLocalListenAddressNamingTheFlag() {
        CliRun run = CliRun.of("up", "--bootstrap-servers", "kafka.example.com:9092");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--bootstrap-servers must be 127.0.0.1:PORT"), run.err());
    }

    @Test
    void invalidSecurityProtocolNamesTheKeyAndAllowedValues(@TempDir Path dir) throws Exception {
        Path properties = Files.writeString(dir.resolve("client.properties"), "security.protocol=TLS\n");

        CliRun run = CliRun.of(CliRun.with(connection, "tail", "--client-config", properties.toString()));

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("security.protocol=TLS") && run.err().contains("SASL_SSL"), run.err());
    }
}
