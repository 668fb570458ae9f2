package io.specstream.inference.runtime;

/** The configured execution provider cannot run here; the message says what is missing and how to fix it. */
public final class ExecutionProviderUnavailableException extends RuntimeException {
    public ExecutionProviderUnavailableException(String message) {
        super(message);
    }

    public ExecutionProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
