package io.specstream.schemas.registry;

/** One version of a subject: {@code {"subject":"prompts-value","version":1,"id":3,"schema":"{...}"}}. */
public record RegisteredSchema(String subject, int version, int id, String schema) {
}
