package io.specstream.draft.service;

import java.util.Optional;

/**
 * The share of wall time a draft loop spends drafting, per heartbeat interval: what the selector reads to decide
 * whether drafting capacity is idle (run every drafter) or busy (narrow to the best).
 *
 * <p>Example: interval 1,000 ms, 250 ms of it inside drafter calls → busy fraction 0.25.
 */
final class LoadMeter {

    /** One interval's result. */
    record Interval(double busyFraction, long intervalMs) {
    }

    private final long intervalNanos;
    private long intervalStart;
    private long busyNanos;

    LoadMeter(long intervalMs, long nowNanos) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("heartbeat interval " + intervalMs + " ms is not valid; allowed values: >= 1");
        }
        this.intervalNanos = intervalMs * 1_000_000L;
        this.intervalStart = nowNanos;
    }

    void busy(long nanos) {
        busyNanos += nanos;
    }

    /** The finished interval, if {@code nowNanos} is past its end; a new interval starts then. */
    Optional<Interval> tick(long nowNanos) {
        long elapsed = nowNanos - intervalStart;
        if (elapsed < intervalNanos) {
            return Optional.empty();
        }
        Interval interval = new Interval(Math.min(1.0, (double) busyNanos / elapsed), elapsed / 1_000_000L);
        intervalStart = nowNanos;
        busyNanos = 0;
        return Optional.of(interval);
    }
}
