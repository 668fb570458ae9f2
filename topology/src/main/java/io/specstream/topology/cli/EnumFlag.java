package io.specstream.topology.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Enum constants as command-line values: a constant's value is its lower-case name ({@code T1} is {@code t1}), and
 * a value that names none is refused naming the flag and the allowed values, e.g.
 * {@code parse("--mode", "turbo", RunMode.values())} throws "--mode 'turbo' is not valid; allowed values: plain,
 * coupled, decoupled, fastest".
 */
public final class EnumFlag {

    private EnumFlag() {
    }

    public static String value(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** Every constant's value, comma-separated, in declaration order. */
    public static String allowed(Enum<?>[] constants) {
        return Arrays.stream(constants).map(EnumFlag::value).collect(Collectors.joining(", "));
    }

    /** The constant whose value is {@code value} (surrounding blanks ignored). */
    public static <E extends Enum<E>> E parse(String flag, String value, E[] constants) {
        String wanted = value == null ? "" : value.trim();
        return Arrays.stream(constants).filter(c -> value(c).equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(flag + " '" + value + "' is not valid; allowed values: "
                        + allowed(constants)));
    }
}
