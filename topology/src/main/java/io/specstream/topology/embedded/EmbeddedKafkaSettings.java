package io.specstream.topology.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How to start the in-process broker.
 *
 * @param dataDirectory where logs and metadata live; empty = a temporary directory deleted on close. A given
 *                      directory is formatted once and reused, so topics and offsets survive a restart.
 * @param port          the client listener's port on 127.0.0.1; 0 = any free port
 * @param overrides     extra broker properties, applied last
 * @param sasl          empty: a PLAINTEXT client listener; else SASL_PLAINTEXT with SCRAM users (and ACLs if required)
 */
public record EmbeddedKafkaSettings(Optional<Path> dataDirectory, int port, Map<String, String> overrides,
                                    Optional<ScramListener> sasl) {

    public EmbeddedKafkaSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, was " + port);
        }
        overrides = Map.copyOf(overrides);
    }

    /** A PLAINTEXT client listener. */
    public EmbeddedKafkaSettings(Optional<Path> dataDirectory, int port, Map<String, String> overrides) {
        this(dataDirectory, port, overrides, Optional.empty());
    }

    /** These settings with the client listener on SASL_PLAINTEXT/SCRAM as {@code listener} says. */
    public EmbeddedKafkaSettings withSasl(ScramListener listener) {
        return new EmbeddedKafkaSettings(dataDirectory, port, overrides, Optional.of(listener));
    }

    public static EmbeddedKafkaSettings temporary() {
        return new EmbeddedKafkaSettings(Optional.empty(), 0, Map.of());
    }

    public static EmbeddedKafkaSettings persistent(Path dataDirectory, int port) {
        return new EmbeddedKafkaSettings(Optional.of(dataDirectory), port, Map.of());
    }
}
