package io.specstream.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * Registry semantics on top of the catalog and the log: idempotent registration, global ids shared
 * across subjects, BACKWARD compatibility (the new schema must read data written with the latest).
 * Synchronized because the HTTP server calls it from several threads; the log is the single writer.
 */
final class RegistryService {

    private final SchemaCatalog catalog = new SchemaCatalog();
    private final KafkaSchemaLog log;

    RegistryService(KafkaSchemaLog log) {
        this.log = log;
        log.readAll().forEach(catalog::add);
    }

    synchronized int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        var existing = catalog.find(subject, canonical);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        catalog.latest(subject).ifPresent(latest -> requireBackwardCompatible(subject, schema, latest));
        int id = catalog.globalId(canonical).orElseGet(catalog::nextId);
        RegisteredSchema entry = new RegisteredSchema(subject, catalog.nextVersion(subject), id, canonical);
        log.append(entry);
        catalog.add(entry);
        return id;
    }

    synchronized RegisteredSchema lookup(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        if (!catalog.hasSubject(subject)) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return catalog.find(subject, schema.toString())
                .orElseThrow(() -> SchemaRegistryException.schemaNotFound("not registered under subject '" + subject + "'"));
    }

    synchronized String schemaById(int id) {
        return catalog.schema(id).orElseThrow(() -> SchemaRegistryException.schemaNotFound("id " + id));
    }

    synchronized List<String> subjects() {
        return catalog.subjects();
    }

    synchronized List<Integer> versions(String subject) {
        if (!catalog.hasSubject(subject)) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return catalog.versions(subject);
    }

    /** {@code version} is a positive number or {@code "latest"}. */
    synchronized RegisteredSchema version(String subject, String version) {
        if (!catalog.hasSubject(subject)) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        if ("latest".equals(version) || "-1".equals(version)) {
            return catalog.latest(subject).orElseThrow(() -> SchemaRegistryException.versionNotFound(subject, version));
        }
        return catalog.version(subject, parseVersion(version))
                .orElseThrow(() -> SchemaRegistryException.versionNotFound(subject, version));
    }

    synchronized boolean isCompatible(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        RegisteredSchema against = version(subject, version);
        return compatibility(schema, against).getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    private void requireBackwardCompatible(String subject, Schema schema, RegisteredSchema latest) {
        SchemaCompatibility.SchemaPairCompatibility result = compatibility(schema, latest);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SchemaRegistryException(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\" (version " + latest.version() + ", BACKWARD), details: "
                            + result.getResult().getIncompatibilities());
        }
    }

    private static SchemaCompatibility.SchemaPairCompatibility compatibility(Schema reader, RegisteredSchema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, new Schema.Parser().parse(writer.schema()));
    }

    private static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: empty");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema " + schemaText + ": " + e.getMessage(), e);
        }
    }

    private static int parseVersion(String version) {
        try {
            int parsed = Integer.parseInt(version);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed values
        }
        throw new SchemaRegistryException(422, SchemaRegistryException.INVALID_VERSION,
                "The specified version '" + version + "' is not a valid version id. "
                        + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }
}
