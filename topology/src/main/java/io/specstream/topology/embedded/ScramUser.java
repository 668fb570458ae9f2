package io.specstream.topology.embedded;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A SCRAM-SHA-512 user of the embedded broker, and the client properties that log in as it.
 *
 * <p>{@code new ScramUser("verify", "verify-secret").clientProperties()} gives
 * <pre>
 * security.protocol=SASL_PLAINTEXT
 * sasl.mechanism=SCRAM-SHA-512
 * sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="verify" password="verify-secret";
 * </pre>
 * Names and passwords are limited to letters, digits, '.', '_' and '-': they are written unescaped into the
 * storage tool's {@code SCRAM-SHA-512=[name=...,password=...]} argument and into JAAS strings.
 */
public record ScramUser(String name, String password) {

    public static final String MECHANISM = "SCRAM-SHA-512";
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]+");

    public ScramUser {
        require("name", name);
        require("password", password);
    }

    /** The principal the broker's authorizer sees, e.g. {@code User:verify}. */
    public String principal() {
        return "User:" + name;
    }

    /** What a Kafka client needs beyond bootstrap.servers to log in as this user. */
    public Map<String, String> clientProperties() {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", MECHANISM,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + name + "\" password=\"" + password + "\";");
    }

    /** The storage tool's {@code --add-scram} argument that creates this user when the log directory is formatted. */
    String formatArgument() {
        return MECHANISM + "=[name=" + name + ",password=" + password + "]";
    }

    private static void require(String what, String value) {
        if (value == null || !ALLOWED.matcher(value).matches()) {
            throw new IllegalArgumentException("SCRAM user " + what + " '" + value
                    + "' is not allowed; use one or more letters, digits, '.', '_' or '-'");
        }
    }
}
