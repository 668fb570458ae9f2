package io.specstream.topology.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.schemas.avro.Rollout;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.topology.catalogue.TopicCatalogue;
import io.specstream.topology.catalogue.Topics;
import io.specstream.topology.json.JsonRecordCodec;
import io.specstream.topology.testing.TestCluster;
import io.specstream.topology.testing.TopicReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python trainer client (confluent-kafka's own serializer and registry client) against our registry and
 * framing: the proof that both are really Confluent's. Needs Debian's python3-confluent-kafka and python3-avro.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonTrainerClientTest {

    private static final Path CLIENT = Path.of("..", "examples", "python", "trainer_client.py").toAbsolutePath().normalize();

    private TestCluster cluster;

    @BeforeAll
    void start() {
        assertTrue(Files.isRegularFile(CLIENT), "missing " + CLIENT);
        cluster = TestCluster.start(new TopicCatalogue("py.", 2));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void promptPublishedFromPythonIsReadByJava(@TempDir Path dir) throws Exception {
        Path prompts = Files.writeString(dir.resolve("prompts.jsonl"),
                "{\"request_id\": \"py-1\", \"prompt_text\": \"Q: 17 + 26?\\n\", \"n_samples\": 4, \"temperature\": 1.0,"
                        + " \"seed\": 11, \"metadata\": {\"group_id\": \"g-7\"}}\n");

        Result result = python("submit", "--file", prompts.toString());

        assertEquals(0, result.exitCode(), result.output());
        var records = TopicReader.read(cluster.settings().kafkaCommon(), "py.prompts", 1, new StringDeserializer(),
                Topics.PROMPTS.valueSerde(cluster.registry()).deserializer());
        assertEquals(1, records.size());
        RolloutRequest request = records.get(0).value();
        assertEquals("py-1", records.get(0).key());
        assertEquals("Q: 17 + 26?\n", request.getPromptText());
        assertEquals(4, request.getNSamples());
        assertEquals(11L, request.getSeed());
        assertEquals("g-7", request.getMetadata().get("group_id"));
    }

    @Test
    void rolloutPublishedFromJavaIsReadByPython() throws Exception {
        Rollout rollout = new JsonRecordCodec().fromJson("{\"request_id\": \"py-2\", \"sample_index\": 1,"
                + " \"prompt_token_ids\": [1, 9], \"response_token_ids\": [10, 11, 2], \"response_text\": \"Answer: 43\","
                + " \"logprobs\": [-0.5, -1.5, -0.25], \"scaled_logprobs\": [-0.5, -1.5, -0.25],"
                + " \"finish_reason\": \"EOS\", \"prompt_tokens\": 2, \"response_tokens\": 3}", Rollout.class);
        try (var producer = new KafkaProducer<byte[], byte[]>(cluster.settings().producer())) {
            byte[] value = Topics.ROLLOUTS.valueSerde(cluster.registry()).serializer().serialize("py.rollouts", rollout);
            producer.send(new ProducerRecord<>("py.rollouts", "py-2".getBytes(StandardCharsets.UTF_8), value)).get();
        }

        Result result = python("tail", "--max-records", "1", "--timeout", "60");

        assertEquals(0, result.exitCode(), result.output());
        var json = new ObjectMapper().readTree(result.output().lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow());
        assertEquals("py-2", json.get("request_id").asText());
        assertEquals("Answer: 43", json.get("response_text").asText());
        assertEquals(List.of(10, 11, 2), List.of(json.get("response_token_ids").get(0).asInt(),
                json.get("response_token_ids").get(1).asInt(), json.get("response_token_ids").get(2).asInt()));
        assertEquals(-1.5, json.get("logprobs").get(1).asDouble(), 1e-6);
        assertEquals("EOS", json.get("finish_reason").asText());
    }

    private record Result(int exitCode, String output) {
    }

    private Result python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", CLIENT.toString(),
                "--bootstrap-servers", cluster.settings().bootstrapServers(),
                "--schema-registry-url", cluster.settings().schemaRegistryUrl(), "--topic-prefix", "py."));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("trainer-client", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        Files.delete(log);
        return new Result(finished ? process.exitValue() : -1, output);
    }
}
