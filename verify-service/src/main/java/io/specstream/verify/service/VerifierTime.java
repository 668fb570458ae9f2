package io.specstream.verify.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where one cell's verifier spent its wall time, read from its {@code specstream.verify.time} meters.
 *
 * <p>Example: forward 6.0 s, admission 0.5, drafting 0.2, output 0.8, transactions 1.0, polling 0.5, waiting 1.0 →
 * total 10 s; busy (engine) 6.7 s; overhead outside bubbles (output + transactions + polling) / (total − waiting)
 * = 2.3 / 9 = 26 %.
 */
public record VerifierTime(Map<VerifierPhase, Double> seconds) {

    public VerifierTime {
        seconds = Map.copyOf(seconds);
    }

    /** The phases as {@code meters} counted them (0 for a phase never charged). */
    public static VerifierTime of(MeterRegistry meters) {
        Map<VerifierPhase, Double> seconds = new EnumMap<>(VerifierPhase.class);
        for (VerifierPhase phase : VerifierPhase.values()) {
            Counter counter = meters.find(VerifyMetrics.TIME).tag(VerifyMetrics.PHASE_TAG, phase.tag()).counter();
            seconds.put(phase, counter == null ? 0 : counter.count());
        }
        return new VerifierTime(seconds);
    }

    public double seconds(VerifierPhase phase) {
        return seconds.getOrDefault(phase, 0.0);
    }

    /** The step thread's whole run time: every phase. */
    public double totalSeconds() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** {@code phase}'s share of the whole run time. */
    public double share(VerifierPhase phase) {
        double total = totalSeconds();
        return total > 0 ? seconds(phase) / total : 0;
    }

    /** Every phase's share in one line, e.g. {@code forward 71 %, admission 6 %, ..., waiting 16 %}. */
    public String shares() {
        StringJoiner line = new StringJoiner(", ");
        for (VerifierPhase phase : VerifierPhase.values()) {
            line.add(String.format(Locale.ROOT, "%s %.0f %%", phase.tag(), 100 * share(phase)));
        }
        return line.toString();
    }

    /**
     * The share of the time the verifier had work that it spent neither in the engine nor waiting: polling,
     * output and transactions over the run time less the waits for prompts.
     */
    public double overheadOutsideBubbles() {
        double withWork = totalSeconds() - seconds(VerifierPhase.WAITING);
        double overhead = seconds(VerifierPhase.POLLING) + seconds(VerifierPhase.OUTPUT)
                + seconds(VerifierPhase.TRANSACTIONS);
        return withWork > 0 ? overhead / withWork : 0;
    }
}
