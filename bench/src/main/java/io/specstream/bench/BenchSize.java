package io.specstream.bench;

import io.specstream.topology.cli.EnumFlag;

import java.util.List;
import java.util.OptionalInt;

/**
 * Preset sizes of {@code specstream bench}; any flag given explicitly overrides its part.
 * <ul>
 * <li>{@code full}: every shipped prompt (64 GRPO groups of 4), 2 epochs, each request's own length limit (256),
 *     at 1, 8, 32 and 64 concurrent sequences — the figure we steer by (about 25 minutes on 2 cores).</li>
 * <li>{@code smoke}: 2 prompts, 2 epochs, at most 32 new tokens, at 1 and 8 — checks that everything runs and the
 *     report is produced, in under 2 minutes; its numbers mean little.</li>
 * </ul>
 */
public enum BenchSize {
    FULL(List.of(1, 8, 32, 64), 2, 0, OptionalInt.empty()),
    SMOKE(List.of(1, 8), 2, 2, OptionalInt.of(32));

    private final List<Integer> concurrencies;
    private final int epochs;
    private final int promptLimit;
    private final OptionalInt maxNewTokens;

    BenchSize(List<Integer> concurrencies, int epochs, int promptLimit, OptionalInt maxNewTokens) {
        this.concurrencies = concurrencies;
        this.epochs = epochs;
        this.promptLimit = promptLimit;
        this.maxNewTokens = maxNewTokens;
    }

    public static BenchSize parse(String flag, String value) {
        return EnumFlag.parse(flag, value, values());
    }

    public String flagValue() {
        return EnumFlag.value(this);
    }

    public List<Integer> concurrencies() {
        return concurrencies;
    }

    public int epochs() {
        return epochs;
    }

    public int promptLimit() {
        return promptLimit;
    }

    public OptionalInt maxNewTokens() {
        return maxNewTokens;
    }
}
