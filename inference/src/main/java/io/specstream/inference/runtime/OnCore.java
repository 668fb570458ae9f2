package io.specstream.inference.runtime;

import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a measurement on a thread of its own pinned to {@code core} (where the loop it measures for will run: one
 * core stands in for one device), and waits for it; what it throws is thrown here.
 */
public final class OnCore {

    private OnCore() {
    }

    public static <T> T call(OptionalInt core, String name, Supplier<T> measurement) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            core.ifPresent(CoreAffinity::pinCurrentThread);
            try {
                result.set(measurement.get());
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, name);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + name, e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
