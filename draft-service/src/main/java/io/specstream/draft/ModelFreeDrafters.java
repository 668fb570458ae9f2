package io.specstream.draft;

import io.specstream.contract.Drafter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The model-free drafter families by name, as command lines and configuration spell them: {@code ngram} (prompt
 * lookup, n in [1, 3]) and {@code suffix} (suffix index over the sequence, its siblings and earlier rollouts of
 * its prompt). Both cost microseconds, so they can run inside the verifier or in draft-service.
 *
 * <pre>{@code
 * List<Drafter> drafters = ModelFreeDrafters.create("ngram,suffix");   // fresh instances
 * ModelFreeDrafters.create("none");                                   // → []
 * }</pre>
 */
public enum ModelFreeDrafters {
    NGRAM(NgramDrafter.NAME, () -> new NgramDrafter(3, 5)),
    SUFFIX(SuffixDrafter.NAME, SuffixDrafter::withDefaults);

    /** The value meaning "no model-free drafter". */
    public static final String NONE = "none";

    private final String flagValue;
    private final Supplier<Drafter> factory;

    ModelFreeDrafters(String flagValue, Supplier<Drafter> factory) {
        this.flagValue = flagValue;
        this.factory = factory;
    }

    public String flagValue() {
        return flagValue;
    }

    /** Every family, comma-separated: the default where all run. */
    public static String all() {
        return Arrays.stream(values()).map(ModelFreeDrafters::flagValue).collect(Collectors.joining(","));
    }

    /**
     * New drafters for a comma-separated list of names ({@code none} or empty: none); an unknown or repeated name is
     * refused, naming {@code key} and the allowed values.
     */
    public static List<Drafter> create(String key, String names) {
        List<Drafter> drafters = new ArrayList<>();
        String trimmed = names == null ? "" : names.trim();
        if (trimmed.isEmpty() || trimmed.equals(NONE)) {
            return drafters;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String raw : trimmed.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            ModelFreeDrafters family = Arrays.stream(values()).filter(f -> f.flagValue.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(key + " '" + raw.trim() + "' is not valid; allowed "
                            + "values: a comma-separated list of " + all() + ", or " + NONE));
            if (!seen.add(name)) {
                throw new IllegalArgumentException(key + " names '" + name + "' twice");
            }
            drafters.add(family.factory.get());
        }
        return drafters;
    }
}
