package io.specstream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.specstream.schemas.SampleRecords;
import io.specstream.schemas.avro.RolloutRequest;
import io.specstream.schemas.serde.AvroSerde;
import io.specstream.testkit.TestKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedSchemaRegistryTest {

    @RegisterExtension
    static final TestKafkaExtension KAFKA = new TestKafkaExtension();

    private static final Schema V1 = record("""
            [{"name":"a","type":"int"}]""");
    private static final Schema V2_WITH_DEFAULT = record("""
            [{"name":"a","type":"int"},{"name":"b","type":"string","default":"none"}]""");
    private static final Schema V2_WITHOUT_DEFAULT = record("""
            [{"name":"a","type":"int"},{"name":"b","type":"string"}]""");

    private static EmbeddedSchemaRegistry server;
    private static RestSchemaRegistryClient registry;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void startRegistry() {
        server = EmbeddedSchemaRegistry.start(KAFKA.kafka().clientConfig(), "_schemas", 0);
        registry = new RestSchemaRegistryClient(server.url());
    }

    @AfterAll
    static void stopRegistry() {
        server.close();
    }

    @Test
    void registeringTheSameSchemaTwiceReturnsTheSameIdAndKeepsOneVersion() {
        int first = registry.register("idempotent-value", V1);
        int second = new RestSchemaRegistryClient(server.url()).register("idempotent-value", V1);

        assertEquals(first, second);
        assertEquals(List.of(1), registry.versions("idempotent-value"));
    }

    @Test
    void theSameSchemaInAnotherSubjectReusesTheGlobalId() {
        Schema schema = record("[{\"name\":\"shared\",\"type\":\"long\"}]");

        assertEquals(registry.register("shared-a-value", schema), registry.register("shared-b-value", schema));
    }

    @Test
    void restartOnTheSameTopicKeepsEveryId() {
        Map<String, Object> kafka = KAFKA.kafka().clientConfig();
        Schema other = record("[{\"name\":\"z\",\"type\":\"double\"}]");
        int v1;
        int v2;
        int otherId;
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(kafka, "_schemas_restart", 0)) {
            SchemaRegistry client = new RestSchemaRegistryClient(first.url());
            v1 = client.register("restart-value", V1);
            v2 = client.register("restart-value", V2_WITH_DEFAULT);
            otherId = client.register("other-value", other);
        }
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(kafka, "_schemas_restart", 0)) {
            SchemaRegistry client = new RestSchemaRegistryClient(second.url());

            assertEquals(V1, client.schemaById(v1));
            assertEquals(V2_WITH_DEFAULT, client.schemaById(v2));
            assertEquals(otherId, client.idOf("other-value", other));
            assertEquals(List.of(1, 2), client.versions("restart-value"));
            int fresh = client.register("fresh-value", record("[{\"name\":\"q\",\"type\":\"boolean\"}]"));
            assertFalse(Set.of(v1, v2, otherId).contains(fresh), "a new schema gets a new id after restart");
        }
    }

    @Test
    void incompatibleChangeIsRefusedWith409() {
        registry.register("incompatible-value", V1);

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> registry.register("incompatible-value", V2_WITHOUT_DEFAULT));

        assertEquals(409, e.errorCode());
        assertEquals(409, e.httpStatus());
        assertEquals(List.of(1), registry.versions("incompatible-value"));
    }

    @Test
    void compatibilityCheckAnswersWithoutRegistering() {
        registry.register("check-value", V1);

        assertFalse(registry.isCompatible("check-value", V2_WITHOUT_DEFAULT));
        assertEquals(List.of(1), registry.versions("check-value"));
    }

    @Test
    void backwardCompatibleEvolutionIsAcceptedAndOldDataStaysReadable() throws IOException {
        Schema older = withoutFields(RolloutRequest.getClassSchema(), "metadata", "created_at_ms");
        int olderId = registry.register("evolution-value", older);
        GenericRecord old = new GenericData.Record(older);
        old.put("request_id", "req-old");
        old.put("prompt_text", "hi");
        old.put("prompt_token_ids", List.of(1, 2, 3));
        old.put("n_samples", 4);
        old.put("max_new_tokens", 16);
        old.put("stop_token_ids", List.of());
        old.put("stop_strings", List.of());
        old.put("temperature", 0.5f);
        old.put("top_p", 0.9f);
        old.put("top_k", 10);
        old.put("seed", 99L);
        old.put("policy_version", 3L);
        byte[] oldBytes = frame(olderId, older, old);
        AvroSerde<RolloutRequest> serde = AvroSerde.of(RolloutRequest.class, registry);

        serde.serialize("evolution", SampleRecords.rolloutRequest());
        RolloutRequest read = serde.deserialize("evolution", oldBytes);

        assertEquals(List.of(1, 2), registry.versions("evolution-value"));
        assertEquals("req-old", read.getRequestId());
        assertEquals(4, read.getNSamples());
        assertEquals(99L, read.getSeed());
        assertEquals(Map.of(), read.getMetadata());
        assertEquals(0L, read.getCreatedAtMs());
    }

    @Test
    void unknownSubjectAnswers40401() throws Exception {
        HttpResponse<String> response = get("/subjects/nope/versions");

        assertEquals(404, response.statusCode());
        assertEquals(40401, json.readTree(response.body()).path("error_code").asInt());
        assertEquals("Subject 'nope' not found.", json.readTree(response.body()).path("message").asText());
    }

    @Test
    void unknownVersionAnswers40402() throws Exception {
        registry.register("versions-value", V1);

        HttpResponse<String> response = get("/subjects/versions-value/versions/7");

        assertEquals(404, response.statusCode());
        assertEquals(40402, json.readTree(response.body()).path("error_code").asInt());
    }

    @Test
    void unknownSchemaIdAnswers40403() {
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.schemaById(987654));

        assertEquals(40403, e.errorCode());
    }

    @Test
    void lookupOfAnUnregisteredSchemaAnswers40403() {
        registry.register("lookup-value", V1);

        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> registry.idOf("lookup-value", V2_WITH_DEFAULT));

        assertEquals(40403, e.errorCode());
    }

    @Test
    void invalidSchemaAnswers42201() throws Exception {
        HttpResponse<String> response = post("/subjects/invalid-value/versions", "{\"schema\": \"{not avro\"}",
                "application/json");

        assertEquals(422, response.statusCode());
        assertEquals(42201, json.readTree(response.body()).path("error_code").asInt());
    }

    @Test
    void registerAcceptsPlainJsonContentTypeAndAnswersOnlyTheId() throws Exception {
        String body = json.createObjectNode().put("schema", V1.toString()).toString();

        HttpResponse<String> response = post("/subjects/plain-json-value/versions", body, "application/json");

        JsonNode answer = json.readTree(response.body());
        assertEquals(200, response.statusCode());
        assertEquals(List.of("id"), List.copyOf(iterable(answer.fieldNames())));
        assertEquals(registry.idOf("plain-json-value", V1), answer.path("id").asInt());
    }

    @Test
    void schemaByIdAnswersTheSchemaText() throws Exception {
        int id = registry.register("by-id-value", V1);

        JsonNode answer = json.readTree(get("/schemas/ids/" + id).body());

        assertEquals(V1, new Schema.Parser().parse(answer.path("schema").asText()));
    }

    @Test
    void versionAnswersSubjectVersionIdAndSchema() {
        int id = registry.register("shape-value", V1);
        registry.register("shape-value", V2_WITH_DEFAULT);

        RegisteredSchema first = registry.version("shape-value", "1");
        RegisteredSchema latest = registry.version("shape-value", "latest");

        assertEquals(new RegisteredSchema("shape-value", 1, id, V1.toString()), first);
        assertEquals(2, latest.version());
        assertNotEquals(id, latest.id());
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"io.specstream.test\",\"fields\":" + fields + "}");
    }

    private static Schema withoutFields(Schema schema, String... dropped) {
        List<Schema.Field> kept = schema.getFields().stream()
                .filter(f -> !List.of(dropped).contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
    }

    private static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        byte[] bytes = body.toByteArray();
        return ByteBuffer.allocate(5 + bytes.length).put((byte) 0).putInt(id).put(bytes).array();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> list = new java.util.ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
