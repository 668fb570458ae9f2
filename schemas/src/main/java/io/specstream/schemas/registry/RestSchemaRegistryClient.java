package io.specstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API (also served by {@link EmbeddedSchemaRegistry}).
 * Ids and schemas are immutable once assigned, so both directions are cached for the client's life.
 *
 * <pre>{@code
 * SchemaRegistry registry = new RestSchemaRegistryClient("http://127.0.0.1:8081",
 *     Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "user:secret"));
 * int id = registry.register("prompts-value", RolloutRequest.getClassSchema());
 * }</pre>
 */
public final class RestSchemaRegistryClient implements SchemaRegistry {

    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    /** How long a request keeps being retried while the registry cannot be reached (restarting, say). */
    public static final String UNREACHABLE_PATIENCE_MS = "schema.registry.unreachable.patience.ms";
    private static final long FIRST_RETRY_MS = 100;
    private static final long LONGEST_RETRY_MS = 1_000;
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final Duration patience;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(String baseUrl) {
        this(baseUrl, Map.of());
    }

    public RestSchemaRegistryClient(String baseUrl, Map<String, ?> config) {
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("schema registry url must start with http:// or https://, got: " + baseUrl);
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = basicAuthorization(config);
        this.timeout = Duration.ofMillis(longSetting(config, REQUEST_TIMEOUT_MS, 30_000));
        // as long as a Kafka producer blocks for a broker away (max.block.ms): a registry restarting beside it
        this.patience = Duration.ofMillis(longSetting(config, UNREACHABLE_PATIENCE_MS, 60_000));
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        String cacheKey = subject + '\0' + schema;
        Integer cached = idsBySubjectAndSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = answer.path("id").asInt();
        remember(cacheKey, id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, missing -> {
            JsonNode answer = send("GET", "/schemas/ids/" + missing, null);
            return new Schema.Parser().parse(answer.path("schema").asText());
        });
    }

    @Override
    public int idOf(String subject, Schema schema) {
        String cacheKey = subject + '\0' + schema;
        Integer cached = idsBySubjectAndSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        int id = answer.path("id").asInt();
        remember(cacheKey, id, schema);
        return id;
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        send("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(node -> versions.add(node.asInt()));
        return versions;
    }

    /** One version of a subject; {@code version} may be a number or {@code "latest"}. */
    public RegisteredSchema version(String subject, String version) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null);
        return new RegisteredSchema(answer.path("subject").asText(), answer.path("version").asInt(),
                answer.path("id").asInt(), answer.path("schema").asText());
    }

    /** Whether {@code schema} could be registered as the next version of {@code subject} (BACKWARD). */
    public boolean isCompatible(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                schemaBody(schema));
        return answer.path("is_compatible").asBoolean();
    }

    private void remember(String cacheKey, int id, Schema schema) {
        idsBySubjectAndSchema.put(cacheKey, id);
        schemasById.putIfAbsent(id, schema);
    }

    private String schemaBody(Schema schema) {
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response = exchange(request.build(), method + " " + baseUrl + path);
        JsonNode answer = parse(response);
        if (response.statusCode() / 100 != 2) {
            int code = answer.path("error_code").asInt(response.statusCode());
            String message = answer.path("message").asText(response.body());
            throw new SchemaRegistryException(response.statusCode(), code, message);
        }
        return answer;
    }

    /**
     * Sends {@code request}; while no answer comes (connection refused or reset), tries again after 100 ms, 200 ms, …
     * up to 1 s apart, for {@link #UNREACHABLE_PATIENCE_MS}. Every request is idempotent: a registration of a schema
     * already registered answers with its id.
     */
    private HttpResponse<String> exchange(HttpRequest request, String what) {
        long giveUp = System.nanoTime() + patience.toNanos();
        long retryMs = FIRST_RETRY_MS;
        while (true) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMs) > giveUp) {
                    throw new SchemaRegistryException(0, SchemaRegistryException.UNREACHABLE,
                            what + " failed for " + patience.toMillis() + " ms (" + UNREACHABLE_PATIENCE_MS + "): " + e,
                            e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(0, SchemaRegistryException.UNREACHABLE, what + " interrupted", e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(retryMs));
            retryMs = Math.min(2 * retryMs, LONGEST_RETRY_MS);
        }
    }

    private JsonNode parse(HttpResponse<String> response) {
        try {
            return response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            if (response.statusCode() / 100 != 2) {
                return json.createObjectNode();
            }
            throw new SchemaRegistryException(response.statusCode(), SchemaRegistryException.UNREACHABLE,
                    "registry answered something that is not JSON: " + response.body(), e);
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Optional<String> basicAuthorization(Map<String, ?> config) {
        Object source = config.get(CREDENTIALS_SOURCE);
        Object userInfo = config.get(USER_INFO);
        if (source != null && !"USER_INFO".equals(source.toString())) {
            throw new IllegalArgumentException(CREDENTIALS_SOURCE + " must be USER_INFO (the only supported source), got: " + source);
        }
        if (userInfo == null || userInfo.toString().isEmpty()) {
            return Optional.empty();
        }
        if (!userInfo.toString().contains(":")) {
            throw new IllegalArgumentException(USER_INFO + " must be 'user:password'");
        }
        return Optional.of("Basic " + Base64.getEncoder()
                .encodeToString(userInfo.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static long longSetting(Map<String, ?> config, String key, long defaultValue) {
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.toString().trim());
            if (parsed <= 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a positive number of milliseconds, got: " + value);
        }
    }
}
