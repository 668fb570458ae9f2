package io.specstream.inference.model;

/** A model directory that does not meet the decoder-with-past contract; the message says what is missing. */
public final class InvalidModelException extends RuntimeException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
