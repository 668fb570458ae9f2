package io.specstream.selector.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the selector counts: acceptance events consumed and assignments emitted (tombstones of finished requests
 * not included). Shared by every task's processor; Micrometer counters are thread-safe.
 */
public record SelectorMetrics(Counter events, Counter assignments) {

    public static final String EVENTS = "specstream.selector.events";
    public static final String ASSIGNMENTS = "specstream.selector.assignments";

    public static SelectorMetrics on(MeterRegistry registry) {
        return new SelectorMetrics(
                Counter.builder(EVENTS).description("Acceptance events consumed").register(registry),
                Counter.builder(ASSIGNMENTS).description("Drafter assignments emitted").register(registry));
    }
}
