package io.specstream.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The subset of a Confluent-compatible schema registry the serdes need.
 * Every method throws {@link SchemaRegistryException} carrying the registry's error code on failure.
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id; error code 40403 when there is none. */
    Schema schemaById(int id);

    /** Looks up the id of a schema already registered under {@code subject}; throws (40401/40403) if absent. */
    int idOf(String subject, Schema schema);

    /** All subjects, e.g. {@code ["prompts-value", "rollouts-value"]}. */
    List<String> subjects();

    /** The versions registered under {@code subject}, ascending, e.g. {@code [1, 2]}. */
    List<Integer> versions(String subject);
}
