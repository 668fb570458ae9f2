package io.specstream.schemas.registry;

/**
 * A registry failure with Confluent's error code, e.g. {@code 40401 Subject 'x' not found.}
 * (404xx not found, 409 incompatible, 42201 invalid schema, 5000x store errors).
 */
public final class SchemaRegistryException extends RuntimeException {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int STORE_ERROR = 50001;
    /** Not a server answer: the registry could not be reached or answered something unreadable. */
    public static final int UNREACHABLE = -1;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    public static SchemaRegistryException versionNotFound(String subject, Object version) {
        return new SchemaRegistryException(404, VERSION_NOT_FOUND,
                "Version " + version + " not found for subject '" + subject + "'.");
    }

    public static SchemaRegistryException schemaNotFound(String what) {
        return new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema not found: " + what);
    }

    /** HTTP status of the answer (0 when the registry was not reached). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent error code, e.g. 40401; {@link #UNREACHABLE} when there was no server answer. */
    public int errorCode() {
        return errorCode;
    }

    @Override
    public String toString() {
        return "SchemaRegistryException{error_code=" + errorCode + ", http_status=" + httpStatus
                + ", message=" + getMessage() + "}";
    }
}
