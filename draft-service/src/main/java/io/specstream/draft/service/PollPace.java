package io.specstream.draft.service;

import java.util.concurrent.TimeUnit;

/**
 * When the draft loop polls its consumer: while it has tails to grow, at most every {@link #WHILE_DRAFTING_NANOS};
 * otherwise at every turn (a poll that waits for a commit or a prompt). A drafting round at one sequence is a fifth of
 * a millisecond of forward, and a poll after each one was the largest Java cost of the loop (36 % of its Java samples
 * under JFR, decoupled and fastest at 1 and 64 sequences) for nothing new: the verifier sends commits at most every
 * 5 ms, so a commit now waits at most 2 ms more in the consumer.
 *
 * <p>Example, drafting all along: polls at 0 ms; the turns at 0.3, 0.9 and 1.6 ms draft without polling; the one at
 * 2.1 ms polls. A turn that has nothing to draft polls at once.
 */
final class PollPace {

    /** Shortest time between two polls while there are tails to grow. */
    static final long WHILE_DRAFTING_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private long lastPollNanos;
    private boolean polled;

    /** Whether the loop should poll on this turn ({@code drafting}: it has tails to grow), at {@code nowNanos}. */
    boolean due(boolean drafting, long nowNanos) {
        if (drafting && polled && nowNanos - lastPollNanos < WHILE_DRAFTING_NANOS) {
            return false;
        }
        polled = true;
        lastPollNanos = nowNanos;
        return true;
    }
}
