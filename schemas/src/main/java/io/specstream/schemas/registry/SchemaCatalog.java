package io.specstream.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * In-memory state of the embedded registry, rebuilt from the schemas topic on start.
 * Schemas are keyed by their canonical text (Avro's {@code Schema.toString()} of the parsed schema),
 * so the same schema gets the same global id in every subject, as Confluent does.
 * Not thread-safe: {@link RegistryService} serialises access.
 */
final class SchemaCatalog {

    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<String, TreeMap<Integer, Integer>> idByVersionBySubject = new TreeMap<>();

    void add(RegisteredSchema entry) {
        schemaById.put(entry.id(), entry.schema());
        idBySchema.putIfAbsent(entry.schema(), entry.id());
        idByVersionBySubject.computeIfAbsent(entry.subject(), s -> new TreeMap<>()).put(entry.version(), entry.id());
    }

    Optional<String> schema(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    Optional<Integer> globalId(String canonicalSchema) {
        return Optional.ofNullable(idBySchema.get(canonicalSchema));
    }

    boolean hasSubject(String subject) {
        return idByVersionBySubject.containsKey(subject);
    }

    /** The version of {@code subject} holding exactly this schema, if any. */
    Optional<RegisteredSchema> find(String subject, String canonicalSchema) {
        Integer id = idBySchema.get(canonicalSchema);
        TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
        if (id == null || versions == null) {
            return Optional.empty();
        }
        return versions.entrySet().stream()
                .filter(e -> e.getValue().equals(id))
                .findFirst()
                .map(e -> new RegisteredSchema(subject, e.getKey(), id, canonicalSchema));
    }

    Optional<RegisteredSchema> version(String subject, int version) {
        TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
        Integer id = versions == null ? null : versions.get(version);
        return id == null ? Optional.empty() : Optional.of(new RegisteredSchema(subject, version, id, schemaById.get(id)));
    }

    Optional<RegisteredSchema> latest(String subject) {
        TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
        return versions == null || versions.isEmpty() ? Optional.empty() : version(subject, versions.lastKey());
    }

    List<String> subjects() {
        return new ArrayList<>(idByVersionBySubject.keySet());
    }

    List<Integer> versions(String subject) {
        TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
        return versions == null ? List.of() : new ArrayList<>(versions.keySet());
    }

    int nextId() {
        return schemaById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    }

    int nextVersion(String subject) {
        TreeMap<Integer, Integer> versions = idByVersionBySubject.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }
}
