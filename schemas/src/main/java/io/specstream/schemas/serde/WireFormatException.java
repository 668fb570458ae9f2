package io.specstream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that are not a readable Confluent-framed Avro record; the message names the problem. */
public final class WireFormatException extends SerializationException {

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
