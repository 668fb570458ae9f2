package io.specstream.bench;

import io.specstream.topology.cli.EnumFlag;

/** How the benchmark samples: greedy (the argmax) or at temperature 1 (seeded noise, the RL default). */
public enum Sampling {
    GREEDY("greedy", 0f),
    T1("T = 1", 1f);

    private final String label;
    private final float temperature;

    Sampling(String label, float temperature) {
        this.label = label;
        this.temperature = temperature;
    }

    /** {@code "t1"} → T1; anything else is refused naming {@code flag} and the allowed values. */
    public static Sampling parse(String flag, String value) {
        return EnumFlag.parse(flag, value, values());
    }

    public String flagValue() {
        return EnumFlag.value(this);
    }

    /** How the report writes it. */
    public String label() {
        return label;
    }

    public float temperature() {
        return temperature;
    }
}
