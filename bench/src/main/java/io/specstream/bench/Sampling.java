package io.specstream.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the benchmark samples: greedy (the argmax) or at temperature 1 (seeded noise, the RL default). */
public enum Sampling {
    GREEDY("greedy", "greedy", 0f),
    T1("t1", "T = 1", 1f);

    public static final String ALLOWED = Arrays.stream(values()).map(Sampling::flagValue).collect(Collectors.joining(", "));

    private final String flagValue;
    private final String label;
    private final float temperature;

    Sampling(String flagValue, String label, float temperature) {
        this.flagValue = flagValue;
        this.label = label;
        this.temperature = temperature;
    }

    /** {@code "t1"} → T1; anything else is refused naming {@code flag} and the allowed values. */
    public static Sampling parse(String flag, String value) {
        return Arrays.stream(values()).filter(s -> s.flagValue.equals(value.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(flag + " '" + value + "' is not valid; allowed values: "
                        + ALLOWED));
    }

    public String flagValue() {
        return flagValue;
    }

    public String label() {
        return label;
    }

    public float temperature() {
        return temperature;
    }
}
