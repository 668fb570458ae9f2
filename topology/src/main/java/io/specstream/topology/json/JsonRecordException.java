package io.specstream.topology.json;

/** A JSON document that does not fit a record's schema; the message names the field path and what was expected. */
public final class JsonRecordException extends RuntimeException {

    public JsonRecordException(String message) {
        super(message);
    }

    public JsonRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
