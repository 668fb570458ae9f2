package io.specstream.schemas.serde;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Adds {@value #TRUSTED_PACKAGE} to the classes Avro 1.12 may load by name, on top of whatever is
 * already trusted (defaults and the {@code org.apache.avro.SERIALIZABLE_PACKAGES} system property),
 * so generated records deserialize without any -D flag. The check stays on for every other package.
 */
public final class AvroTrust {

    public static final String TRUSTED_PACKAGE = "io.specstream.schemas.avro";

    private AvroTrust() {
    }

    /** Idempotent; the validator is Avro's process-wide setting, so the update is synchronized. */
    public static synchronized void trustGeneratedRecords() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current.isTrusted(io.specstream.schemas.avro.RolloutRequest.class)) {
            return;
        }
        ClassSecurityPredicate ours = type -> type.getName().startsWith(TRUSTED_PACKAGE + ".");
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, ours));
    }
}
