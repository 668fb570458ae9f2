package io.specstream.topology.catalogue;

/** Kafka's {@code cleanup.policy} values, spelled as the broker spells them. */
public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact");

    private final String configValue;

    CleanupPolicy(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    /** True when a topic's {@code cleanup.policy} value (e.g. "compact,delete") means the same as this one. */
    public boolean matches(String brokerValue) {
        return brokerValue != null && brokerValue.trim().equals(configValue);
    }
}
