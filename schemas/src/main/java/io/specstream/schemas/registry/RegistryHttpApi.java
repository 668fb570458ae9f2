package io.specstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the Confluent REST subset to {@link RegistryService}:
 * <pre>
 * GET  /subjects                                   ["a-value", ...]
 * POST /subjects/{s}/versions        {"schema"}    {"id": 1}
 * POST /subjects/{s}                 {"schema"}    {"subject","version","id","schema"}
 * GET  /subjects/{s}/versions                      [1, 2]
 * GET  /subjects/{s}/versions/{v|latest}           {"subject","version","id","schema"}
 * GET  /schemas/ids/{id}                           {"schema": "..."}
 * POST /compatibility/subjects/{s}/versions/{v}    {"is_compatible": true}
 * GET  /config                                     {"compatibilityLevel": "BACKWARD"}
 * </pre>
 * Errors answer {@code {"error_code": 40401, "message": "Subject 'x' not found."}}.
 * Request bodies are accepted with any JSON content type (vnd.schemaregistry.v1+json or application/json).
 */
final class RegistryHttpApi implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final RegistryService service;
    private final ObjectMapper json = new ObjectMapper();

    RegistryHttpApi(RegistryService service) {
        this.service = service;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            Object answer;
            try {
                answer = route(exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()), exchange);
            } catch (SchemaRegistryException e) {
                status = e.httpStatus();
                answer = error(e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("Registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                answer = error(50001, "Error in the backend data store: " + e);
            }
            byte[] body = json.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private Object route(String method, List<String> path, HttpExchange exchange) throws IOException {
        int n = path.size();
        if (n == 0 && method.equals("GET")) {
            return json.createObjectNode();
        }
        String root = path.get(0);
        if (root.equals("subjects")) {
            if (n == 1 && method.equals("GET")) {
                return service.subjects();
            }
            String subject = path.get(1);
            if (n == 2 && method.equals("POST")) {
                return describe(service.lookup(subject, schemaText(exchange)));
            }
            if (n == 3 && path.get(2).equals("versions")) {
                if (method.equals("POST")) {
                    return json.createObjectNode().put("id", service.register(subject, schemaText(exchange)));
                }
                if (method.equals("GET")) {
                    return service.versions(subject);
                }
            }
            if (n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
                return describe(service.version(subject, path.get(3)));
            }
        }
        if (root.equals("schemas") && n == 3 && path.get(1).equals("ids") && method.equals("GET")) {
            return json.createObjectNode().put("schema", service.schemaById(schemaId(path.get(2))));
        }
        if (root.equals("compatibility") && n == 5 && path.get(1).equals("subjects")
                && path.get(3).equals("versions") && method.equals("POST")) {
            boolean compatible = service.isCompatible(path.get(2), path.get(4), schemaText(exchange));
            return json.createObjectNode().put("is_compatible", compatible);
        }
        if (root.equals("config") && n <= 2 && method.equals("GET")) {
            return json.createObjectNode().put("compatibilityLevel", "BACKWARD");
        }
        throw new SchemaRegistryException(404, 404, "HTTP 404 Not Found: " + method + " " + String.join("/", path));
    }

    private ObjectNode describe(RegisteredSchema entry) {
        return json.createObjectNode().put("subject", entry.subject()).put("version", entry.version())
                .put("id", entry.id()).put("schema", entry.schema());
    }

    private String schemaText(HttpExchange exchange) throws IOException {
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            body = json.readTree(in);
        } catch (IOException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Request body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.path("schema").isTextual()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Request body must be {\"schema\": \"<Avro schema JSON>\"}");
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Unsupported schemaType " + type + "; this registry supports AVRO only");
        }
        return body.path("schema").asText();
    }

    private static int schemaId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw SchemaRegistryException.schemaNotFound("id " + text);
        }
    }

    private ObjectNode error(int code, String message) {
        return json.createObjectNode().put("error_code", code).put("message", message);
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }
}
